package io.lenswire.api;

import java.security.Principal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request whose caller is trusted with operational detail: it presented the API key (or the
 * actuator is public by configuration). Spring Boot's actuator asks the request for its principal
 * to decide {@code show-details: when-authorized}; there is no other user model here.
 */
final class KeyHolderRequest extends HttpServletRequestWrapper {

    private static final Principal KEY_HOLDER = () -> "api-key";

    KeyHolderRequest(HttpServletRequest request) {
        super(request);
    }

    @Override
    public Principal getUserPrincipal() {
        return KEY_HOLDER;
    }

    @Override
    public boolean isUserInRole(String role) {
        return false; // no roles: management.endpoint.health.roles must stay empty
    }
}
