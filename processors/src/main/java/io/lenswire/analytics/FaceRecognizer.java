package io.lenswire.analytics;

/**
 * Turns a detected face into a template vector and compares templates. Implementations are
 * thread-safe: one instance serves every camera and the enrollment API.
 */
public interface FaceRecognizer extends AutoCloseable {

    /** Short name shown in stats and health: {@code sface}, {@code mobilefacenet} or {@code builtin-lbp}. */
    String name();

    /** Similarity at or above which two templates are taken for the same person. */
    double threshold();

    /**
     * The face's template, or a rejection when the face is not fit for recognition (too small, too
     * blurry); a rejected face is never labelled.
     */
    Template embed(FaceImage image, DetectedFace face);

    /** Similarity of two templates of this recognizer; higher is more alike. */
    double similarity(float[] a, float[] b);

    @Override
    void close();

    /** A template, or why none could be made ({@code vector} null then). */
    record Template(float[] vector, String rejected, double sharpness) {

        public static Template of(float[] vector, double sharpness) {
            return new Template(vector, null, sharpness);
        }

        public static Template rejected(String reason, double sharpness) {
            return new Template(null, reason, sharpness);
        }

        public boolean usable() {
            return vector != null;
        }
    }
}
