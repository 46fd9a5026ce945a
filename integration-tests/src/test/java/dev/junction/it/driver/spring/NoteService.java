package dev.junction.it.driver.spring;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Services as applications write them: read-only and read-write transactions, JPA and JdbcTemplate side by side. */
@Service
public class NoteService {
    private final NoteRepository notes;
    private final JdbcTemplate jdbc;

    public NoteService(NoteRepository notes, JdbcTemplate jdbc) {
        this.notes = notes;
        this.jdbc = jdbc;
    }

    /** Saves a note and returns the port of the server the transaction ran on. */
    @Transactional
    public int write(String text) {
        notes.save(new Note(text));
        notes.flush();
        return jdbc.queryForObject("select server_port()", Integer.class);
    }

    /** Ports seen by a JPA query, a JdbcTemplate query and a repository count, all in one read-only transaction. */
    @Transactional(readOnly = true)
    public List<Integer> readOnlyPorts(String text) {
        int jpa = notes.serverPort();
        int jdbcPort = jdbc.queryForObject("select server_port()", Integer.class);
        long count = notes.countByText(text);
        return List.of(jpa, jdbcPort, (int) count);
    }

    /** A read outside any transaction: auto-commit. */
    public int autocommitPort() {
        return jdbc.queryForObject("select server_port()", Integer.class);
    }
}
