package io.lenswire.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Whom {@code rtsps://} cameras are checked against: the certificates of a PEM file
 * ({@code lenswire.ingest.tls-ca-file}, e.g. the site's own CA that signed the cameras) or, when
 * none is set, the JVM's default trust store.
 */
public final class TlsTrust {

    private final SSLSocketFactory factory;

    private TlsTrust(SSLSocketFactory factory) {
        this.factory = factory;
    }

    public static TlsTrust from(String caFile) {
        try {
            if (caFile == null || caFile.isBlank()) {
                return new TlsTrust(SSLContext.getDefault().getSocketFactory());
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream in = Files.newInputStream(Path.of(caFile))) {
                int i = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + i++, c);
                }
                if (i == 0) {
                    throw new IllegalStateException("lenswire.ingest.tls-ca-file holds no PEM certificate");
                }
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return new TlsTrust(context.getSocketFactory());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read lenswire.ingest.tls-ca-file", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("lenswire.ingest.tls-ca-file is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    SSLSocketFactory socketFactory() {
        return factory;
    }
}
