package dev.junction.it.driver.spring;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

/** Spring Data JPA repository; {@link #serverPort()} tells which server ran the query. */
public interface NoteRepository extends JpaRepository<Note, Long> {
    @Query(value = "select server_port()", nativeQuery = true)
    int serverPort();

    long countByText(String text);
}
