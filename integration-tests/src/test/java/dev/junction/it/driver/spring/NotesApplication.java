package dev.junction.it.driver.spring;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A plain Spring Boot application: JdbcTemplate, Spring Data JPA with Hibernate, Flyway; nothing Junction-specific. */
@SpringBootApplication
public class NotesApplication {}
