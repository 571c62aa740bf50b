package io.lenswire.api;

/** A request the API refuses: becomes {@code {success:false, error, message}} with this HTTP status. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String error;

    public ApiException(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    public int status() { return status; }
    public String error() { return error; }

    /** A client's value made safe to quote in a message: at most 60 characters, control characters replaced. */
    public static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    public static ApiException badRequest(String message) { return new ApiException(400, "bad_request", message); }
    public static ApiException notFound(String message) { return new ApiException(404, "not_found", message); }
    public static ApiException conflict(String message) { return new ApiException(409, "conflict", message); }
}
