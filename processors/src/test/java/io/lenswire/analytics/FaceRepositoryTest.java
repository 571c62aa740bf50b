package io.lenswire.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import io.lenswire.testing.TestDatabases;

/**
 * The gallery is rebuilt one stored photo at a time, not from one result holding all of them; a
 * photo is served back only under its own person.
 */
class FaceRepositoryTest {

    private FaceRepository repository;
    private JdbcTemplate jdbc;

    /** A fresh database with the schema; {@code Postgres} + this class's name runs every test on PostgreSQL. */
    DataSource newDatabase() {
        return TestDatabases.h2();
    }

    @BeforeEach
    void database() {
        DataSource db = newDatabase();
        jdbc = new JdbcTemplate(db);
        repository = new FaceRepository(jdbc);
    }

    private long photo(long person, int size) {
        DetectedFace face = new DetectedFace(1, 2, 3, 4, 0.9f, new float[10]);
        return repository.insertImage(person, new EnrollmentImages.Checked("p.jpg", "image/jpeg", 10, 10, face, new float[] {1},
                "sha", new byte[size]));
    }

    @Test
    void visitsEveryPhotoInOrderReadingEachOnlyWhenItsTurnComes() {
        long a = repository.insertPerson("A");
        long b = repository.insertPerson("B");
        long first = photo(a, 100);
        photo(b, 200);
        long third = photo(a, 300);
        List<Integer> sizes = new ArrayList<>();
        List<Long> people = new ArrayList<>();
        repository.forEachImage(image -> {
            sizes.add(image.data().length);
            people.add(image.personId());
            if (image.id() == first) {
                // a photo deleted while an earlier one is processed is not visited: it was not read yet
                jdbc.update("DELETE FROM face_images WHERE image_id = ?", third);
            }
        });
        assertThat(sizes).containsExactly(100, 200);
        assertThat(people).containsExactly(a, b);
        assertThat(repository.countImages()).isEqualTo(2);
        assertThat(repository.countImages(a)).isEqualTo(1);
        assertThat(repository.countPeople()).isEqualTo(2);
    }

    @Test
    void aPhotoIsFoundUnderItsOwnPersonOnly() {
        long a = repository.insertPerson("A");
        long b = repository.insertPerson("B");
        long image = photo(a, 123);
        assertThat(repository.photo(a, image)).hasValueSatisfying(p -> {
            assertThat(p.data()).hasSize(123);
            assertThat(p.contentType()).isEqualTo("image/jpeg");
        });
        assertThat(repository.photo(b, image)).as("another person's photo").isEmpty();
        assertThat(repository.photo(a, image + 1)).isEmpty();
        repository.deletePerson(a);
        assertThat(repository.photo(a, image)).as("deleted with the person").isEmpty();
    }
}
