package io.lenswire.analytics;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What analytics found in one analysed frame with at least one face; the body of the exchanges sent
 * to {@code seda:face-events}. Serializes as {@code {camera_id, timestamp, faces: [{bbox, score,
 * person_id, name, similarity, settled}]}}.
 *
 * @param timestamp ISO-8601 UTC time at which the frame's packet arrived from the camera
 */
public record FaceEvent(@JsonProperty("camera_id") String cameraId, String timestamp, List<Face> faces) {

    /**
     * @param bbox       {@code [x, y, width, height]} in pixels of the camera frame
     * @param personId   the enrolled person, or null when unknown
     * @param similarity similarity to the named person, or to the closest enrolled person when
     *                   unknown; null when the face could not be compared (no one enrolled, too
     *                   small or too blurred)
     * @param settled    the face's visit has lasted a whole decision window, so "unknown" is a
     *                   verdict rather than "not decided yet"
     * @param faceJpeg   the face with a margin, as a JPEG: taken when its visit's decision is
     *                   announced (named, or settled as unknown) and again every few seconds while
     *                   the visit lasts; null before the first announcement; not serialized
     * @param frameJpeg  the frame {@code faceJpeg} was taken on, at the snapshot width; not serialized
     */
    public record Face(int[] bbox, double score, @JsonProperty("person_id") Long personId, String name, Double similarity,
                       boolean settled, @JsonIgnore byte[] faceJpeg, @JsonIgnore byte[] frameJpeg) {
    }

    public long recognized() {
        return faces.stream().filter(f -> f.personId() != null).count();
    }
}
