package io.lenswire.api;

import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Whatever fails outside a route (unknown path, servlet error) still answers in JSON, never HTML. */
@RestController
public class JsonErrorController implements ErrorController {

    // No `produces`: a client that asks for text/html (a browser) would then match no mapping and
    // get an empty 406; the preset content type below makes Spring write JSON whatever Accept says.
    @RequestMapping("/error")
    public ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i && i >= 400 ? i : 500;
        HttpStatus known = HttpStatus.resolve(status);
        String reason = known == null ? "error" : known.getReasonPhrase();
        String error = reason.toLowerCase().replace(' ', '_');
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(ApiResponses.errorBody(error, reason));
    }
}
