package io.lenswire.analytics;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/** Enrolled people and their photos in the embedded database (tables persons and face_images). */
@Repository
public class FaceRepository {

    /** A stored photo without its bytes. */
    public record ImageInfo(long id, long personId, String fileName, String contentType, int width, int height,
                            int[] faceBox, double faceScore) {
    }

    public record PersonInfo(long id, String name, List<ImageInfo> images) {
    }

    /** A stored photo with its bytes, to re-derive templates. */
    public record StoredImage(long id, long personId, byte[] data) {
    }

    private final JdbcTemplate jdbc;

    public FaceRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public long insertPerson(String name) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement("INSERT INTO persons (name, created_at) VALUES (?, CURRENT_TIMESTAMP)",
                    new String[] {"person_id"});
            ps.setString(1, name);
            return ps;
        }, keys);
        return keys.getKey().longValue();
    }

    public long insertImage(long personId, EnrollmentImages.Checked image) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.update(con -> {
            PreparedStatement ps = con.prepareStatement("INSERT INTO face_images (person_id, file_name, content_type, width, height,"
                    + " face_x, face_y, face_width, face_height, face_score, sha256, data, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)", new String[] {"image_id"});
            DetectedFace f = image.face();
            ps.setLong(1, personId);
            ps.setString(2, image.fileName());
            ps.setString(3, image.contentType());
            ps.setInt(4, image.width());
            ps.setInt(5, image.height());
            ps.setInt(6, Math.round(f.x()));
            ps.setInt(7, Math.round(f.y()));
            ps.setInt(8, Math.round(f.width()));
            ps.setInt(9, Math.round(f.height()));
            ps.setFloat(10, f.score());
            ps.setString(11, image.sha256());
            ps.setBytes(12, image.data());
            return ps;
        }, keys);
        return keys.getKey().longValue();
    }

    public boolean exists(long personId) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM persons WHERE person_id = ?", Integer.class, personId);
        return n != null && n > 0;
    }

    public boolean deletePerson(long personId) {
        jdbc.update("DELETE FROM face_images WHERE person_id = ?", personId);
        return jdbc.update("DELETE FROM persons WHERE person_id = ?", personId) > 0;
    }

    public Optional<PersonInfo> find(long personId) {
        return all().stream().filter(p -> p.id() == personId).findFirst();
    }

    public List<PersonInfo> all() {
        Map<Long, String> names = new LinkedHashMap<>();
        jdbc.query("SELECT person_id, name FROM persons ORDER BY person_id", rs -> {
            names.put(rs.getLong(1), rs.getString(2));
        });
        Map<Long, List<ImageInfo>> images = new LinkedHashMap<>();
        jdbc.query("SELECT image_id, person_id, file_name, content_type, width, height, face_x, face_y, face_width, face_height,"
                + " face_score FROM face_images ORDER BY image_id", rs -> {
            ImageInfo info = new ImageInfo(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getInt(5), rs.getInt(6),
                    new int[] {rs.getInt(7), rs.getInt(8), rs.getInt(9), rs.getInt(10)}, rs.getFloat(11));
            images.computeIfAbsent(info.personId(), k -> new ArrayList<>()).add(info);
        });
        List<PersonInfo> out = new ArrayList<>();
        names.forEach((id, name) -> out.add(new PersonInfo(id, name, images.getOrDefault(id, List.of()))));
        return out;
    }

    /**
     * Every stored photo in enrollment order, one at a time: the ids are listed first and each
     * photo's bytes are read only when its turn comes, so at most one photo is in memory however
     * large the gallery (a single query would hold every row of its result at once).
     */
    public void forEachImage(java.util.function.Consumer<StoredImage> action) {
        List<long[]> ids = jdbc.query("SELECT image_id, person_id FROM face_images ORDER BY image_id",
                (rs, row) -> new long[] {rs.getLong(1), rs.getLong(2)});
        for (long[] id : ids) {
            List<byte[]> data = jdbc.query("SELECT data FROM face_images WHERE image_id = ?", (rs, row) -> rs.getBytes(1), id[0]);
            if (!data.isEmpty()) { // deleted meanwhile
                action.accept(new StoredImage(id[0], id[1], data.get(0)));
            }
        }
    }

    /** The bytes and content type of one photo of one person; empty when either id is unknown. */
    public Optional<StoredPhoto> photo(long personId, long imageId) {
        return jdbc.query("SELECT content_type, data FROM face_images WHERE person_id = ? AND image_id = ?",
                (rs, row) -> new StoredPhoto(rs.getString(1), rs.getBytes(2)), personId, imageId).stream().findFirst();
    }

    /** A photo as it was uploaded, to show it back. */
    public record StoredPhoto(String contentType, byte[] data) {
    }

    public int countPeople() {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM persons", Integer.class);
        return n == null ? 0 : n;
    }

    public int countImages() {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM face_images", Integer.class);
        return n == null ? 0 : n;
    }

    public int countImages(long personId) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM face_images WHERE person_id = ?", Integer.class, personId);
        return n == null ? 0 : n;
    }

}
