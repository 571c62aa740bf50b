package io.lenswire.api;

/**
 * A request the API refuses: becomes {@code {success:false, error, message}} with this HTTP status,
 * plus {@code field} when one request field is at fault, so a form can show the message beside it.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String error;
    private final String field;

    public ApiException(int status, String error, String message) {
        this(status, error, message, null);
    }

    public ApiException(int status, String error, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.field = field;
    }

    public int status() { return status; }
    public String error() { return error; }
    /** The request field the message is about; null when it is about the request as a whole. */
    public String field() { return field; }

    /** A client's value made safe to quote in a message: at most 60 characters, control characters replaced. */
    public static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    public static ApiException badRequest(String message) { return new ApiException(400, "bad_request", message); }
    public static ApiException badField(String field, String message) { return new ApiException(400, "bad_request", message, field); }
    public static ApiException notFound(String message) { return new ApiException(404, "not_found", message); }
    public static ApiException conflict(String message) { return new ApiException(409, "conflict", message); }
}
