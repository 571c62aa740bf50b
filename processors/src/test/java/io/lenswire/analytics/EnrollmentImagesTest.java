package io.lenswire.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class EnrollmentImagesTest {

    @Test
    void completeJpegsPassAndTruncatedOnesAreCaught() throws Exception {
        for (String photo : new String[] {"obama.jpg", "obama2.jpg", "biden.jpg", "obama-720p.jpg"}) {
            byte[] jpeg = Files.readAllBytes(Shared.face(photo));
            assertThat(EnrollmentImages.sniff(jpeg)).isEqualTo("image/jpeg");
            assertThat(EnrollmentImages.jpegProblem(jpeg)).as(photo).isNull();
            for (double keep : new double[] {0.999, 0.9, 0.5, 0.1, 0.001}) {
                byte[] cut = Arrays.copyOf(jpeg, Math.max(3, (int) (jpeg.length * keep)));
                assertThat(EnrollmentImages.jpegProblem(cut)).as("%s cut to %s", photo, keep).isNotNull();
            }
        }
    }

    @Test
    void recognizesOnlyJpegAndPng() {
        assertThat(EnrollmentImages.sniff("hello".getBytes())).isNull();
        assertThat(EnrollmentImages.sniff(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0})).isEqualTo("image/png");
        assertThat(EnrollmentImages.sniff(new byte[] {'G', 'I', 'F', '8', '9', 'a'})).isNull();
    }
}
