package io.lenswire.api;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;

import org.apache.tomcat.util.http.fileupload.impl.FileCountLimitExceededException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses a multipart upload (after the API key was checked) and deletes every part it wrote to
 * disk when the request ends, accepted or refused. Parsing here, with the container's limits
 * (spring.servlet.multipart.*, server.tomcat.max-part-count), turns each failure into a clear 4xx
 * before Camel runs; {@link DeferredMultipartConfiguration} keeps Spring and Camel from making
 * copies of their own.
 */
final class UploadParts {

    private static final Logger LOG = LoggerFactory.getLogger(UploadParts.class);

    private UploadParts() {
    }

    /** The request's parts, parsed now; a 400 or 413 {@link ApiException} when the body is refused. */
    static Collection<Part> parse(HttpServletRequest request, long maxBytes) {
        try {
            return request.getParts();
        } catch (IllegalStateException e) {
            // Tomcat reports every exceeded limit (size of a part or of all, number of parts) this way
            if (causedBy(e, FileCountLimitExceededException.class)) {
                throw new ApiException(413, "payload_too_large", "The upload has too many parts");
            }
            throw new ApiException(413, "payload_too_large",
                    "The upload is larger than " + (maxBytes / (1024 * 1024)) + " MB in total or has too many fields");
        } catch (IOException | ServletException e) {
            throw ApiException.badRequest("The multipart body could not be read: it is truncated or malformed");
        }
    }

    /** Deletes the temp files of whatever parts the container holds for this request. */
    static void deleteAll(Collection<Part> parts) {
        for (Part part : parts == null ? List.<Part>of() : parts) {
            try {
                part.delete();
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not delete the temp file of upload part '{}': {}", ApiException.printable(part.getName()), e.toString());
            }
        }
    }

    /** Deletes the parts' temp files when an asynchronously answered request ends, however it ends. */
    static AsyncListener deleteWhenDone(Collection<Part> parts) {
        return new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                deleteAll(parts);
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                deleteAll(parts);
            }

            @Override
            public void onError(AsyncEvent event) {
                deleteAll(parts);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                event.getAsyncContext().addListener(this); // a restarted async cycle still ends the request
            }
        };
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
