package io.lenswire.analytics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.lenswire.api.ApiException;

/**
 * Enrolls, extends and deletes people, keeping the database and the running cameras' gallery in
 * step: every change publishes a new {@link Gallery} snapshot, which the next analysed frame of
 * every camera uses. At start the gallery is rebuilt from the stored photos with the active
 * recognizer.
 */
@Service
public class FaceEnrollment {

    private static final Logger LOG = LoggerFactory.getLogger(FaceEnrollment.class);

    private final FaceRepository repository;
    private final AnalyticsEngine engine;
    private final AnalyticsProperties settings;
    private final TransactionTemplate transactions;
    /** Templates by person, in enrollment order; guarded by this. */
    private final Map<Long, Gallery.Person> people = new LinkedHashMap<>();
    /** The stored photo ids each person's templates come from; guarded by this. */
    private final Map<Long, Set<Long>> photoIds = new HashMap<>();

    public FaceEnrollment(FaceRepository repository, AnalyticsEngine engine, AnalyticsProperties settings,
                          TransactionTemplate transactions) {
        this.repository = repository;
        this.engine = engine;
        this.settings = settings;
        this.transactions = transactions;
    }

    /** Rebuilds the gallery from the database once the application (and Flyway) is up. */
    @EventListener(ApplicationReadyEvent.class)
    public synchronized void loadGallery() {
        if (!engine.ready()) {
            return;
        }
        Map<Long, List<float[]>> templates = new LinkedHashMap<>();
        Map<Long, Set<Long>> seen = new HashMap<>();
        int[] unusable = {0};
        repository.forEachImage(image -> {
            seen.computeIfAbsent(image.personId(), k -> new HashSet<>()).add(image.id());
            float[] t = EnrollmentImages.template(image.data(), engine);
            if (t == null) {
                unusable[0]++;
            } else {
                templates.computeIfAbsent(image.personId(), k -> new ArrayList<>()).add(t);
            }
        });
        people.clear();
        photoIds.clear();
        for (FaceRepository.PersonInfo p : repository.all()) {
            people.put(p.id(), new Gallery.Person(p.id(), p.name(), List.copyOf(templates.getOrDefault(p.id(), List.of()))));
            photoIds.put(p.id(), seen.getOrDefault(p.id(), Set.of()));
        }
        publish();
        LOG.info("face gallery: {} people, {} templates ({}){}", people.size(), templates.values().stream().mapToInt(List::size).sum(),
                engine.recognizerName(), unusable[0] > 0 ? ", " + unusable[0] + " stored photos no longer usable" : "");
    }

    public FaceRepository.PersonInfo enroll(String name, List<EnrollmentImages.Upload> uploads) {
        String cleanName = checkName(name);
        precheckAll(uploads);
        checkRoom(true, -1, uploads.size()); // before the costly decoding; again under the lock
        List<EnrollmentImages.Checked> checked = checkAll(uploads);
        synchronized (this) {
            checkRoom(true, -1, checked.size());
            Set<Long> stored = new HashSet<>();
            long id = transactions.execute(status -> {
                long personId = repository.insertPerson(cleanName);
                checked.forEach(c -> stored.add(repository.insertImage(personId, c)));
                return personId;
            });
            people.put(id, new Gallery.Person(id, cleanName, checked.stream().map(EnrollmentImages.Checked::template).toList()));
            photoIds.put(id, stored);
            publish();
            LOG.info("face gallery: enrolled person {} from {} image(s)", id, checked.size());
            return repository.find(id).orElseThrow();
        }
    }

    public FaceRepository.PersonInfo addImages(long personId, List<EnrollmentImages.Upload> uploads) {
        if (!repository.exists(personId)) {
            throw ApiException.notFound("No enrolled person with id " + personId);
        }
        precheckAll(uploads);
        checkRoom(false, personId, uploads.size());
        List<EnrollmentImages.Checked> checked = checkAll(uploads);
        synchronized (this) {
            Gallery.Person current = people.get(personId);
            if (current == null || !repository.exists(personId)) {
                throw ApiException.notFound("No enrolled person with id " + personId);
            }
            checkRoom(false, personId, checked.size());
            Set<Long> stored = new HashSet<>(photoIds.getOrDefault(personId, Set.of()));
            transactions.executeWithoutResult(status -> checked.forEach(c -> stored.add(repository.insertImage(personId, c))));
            List<float[]> templates = new ArrayList<>(current.templates());
            checked.forEach(c -> templates.add(c.template()));
            people.put(personId, new Gallery.Person(personId, current.name(), List.copyOf(templates)));
            photoIds.put(personId, stored);
            publish();
            LOG.info("face gallery: added {} image(s) to person {}", checked.size(), personId);
            return repository.find(personId).orElseThrow();
        }
    }

    public synchronized boolean delete(long personId) {
        boolean deleted = Boolean.TRUE.equals(transactions.execute(status -> repository.deletePerson(personId)));
        if (deleted) {
            people.remove(personId);
            photoIds.remove(personId);
            publish();
            LOG.info("face gallery: deleted person {}", personId);
        }
        return deleted;
    }

    /**
     * In a cluster, route step of {@code cluster-heartbeat}: takes in the people that other nodes
     * enrolled, gave photos or deleted since the last look, by comparing each person's stored photo
     * ids with those its templates come from. Only a changed person's photos are read and embedded.
     */
    public synchronized void syncFromStore() {
        if (!engine.ready()) {
            return;
        }
        List<FaceRepository.PersonInfo> stored = repository.all();
        Set<Long> storedIds = new HashSet<>();
        boolean changed = false;
        for (FaceRepository.PersonInfo p : stored) {
            storedIds.add(p.id());
            Set<Long> ids = new HashSet<>();
            p.images().forEach(i -> ids.add(i.id()));
            if (ids.equals(photoIds.get(p.id()))) {
                continue;
            }
            List<float[]> templates = new ArrayList<>();
            for (long imageId : ids) {
                repository.photo(p.id(), imageId).map(photo -> EnrollmentImages.template(photo.data(), engine))
                        .ifPresent(templates::add);
            }
            people.put(p.id(), new Gallery.Person(p.id(), p.name(), List.copyOf(templates)));
            photoIds.put(p.id(), ids);
            changed = true;
            LOG.info("face gallery: person {} taken in from the shared database ({} photo(s))", p.id(), ids.size());
        }
        if (people.keySet().retainAll(storedIds)) {
            photoIds.keySet().retainAll(storedIds);
            changed = true;
        }
        if (changed) {
            publish();
        }
    }

    public List<FaceRepository.PersonInfo> all() {
        return repository.all();
    }

    public Optional<FaceRepository.PersonInfo> find(long personId) {
        return repository.find(personId);
    }

    private void publish() {
        engine.gallery(new Gallery(engine.recognizerName(), List.copyOf(people.values())));
    }

    private String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest("name is required (a form field 'name' with the person's name)");
        }
        String n = name.strip();
        int max = settings.getEnrollment().getMaxNameLength();
        if (n.length() > max) {
            throw ApiException.badRequest("name is longer than " + max + " characters");
        }
        if (n.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("name must not contain control characters");
        }
        return n;
    }

    /** Refuses with 409 limit_reached when a new person, or {@code images} more photos, would pass a limit. */
    private void checkRoom(boolean newPerson, long personId, int images) {
        AnalyticsProperties.Enrollment limits = settings.getEnrollment();
        if (newPerson && repository.countPeople() >= limits.getMaxPeople()) {
            throw limitReached("at most " + limits.getMaxPeople() + " people can be enrolled"
                    + " (lenswire.analytics.enrollment.max-people); delete one first");
        }
        int ofPerson = newPerson ? 0 : repository.countImages(personId);
        if (ofPerson + images > limits.getMaxImagesPerPerson()) {
            throw limitReached("a person can have at most " + limits.getMaxImagesPerPerson() + " photos"
                    + (newPerson ? "" : "; person " + personId + " has " + ofPerson)
                    + " (lenswire.analytics.enrollment.max-images-per-person)");
        }
        if (repository.countImages() + images > limits.getMaxImagesTotal()) {
            throw limitReached("at most " + limits.getMaxImagesTotal() + " photos can be stored in all"
                    + " (lenswire.analytics.enrollment.max-images-total)");
        }
    }

    private static ApiException limitReached(String message) {
        return new ApiException(409, "limit_reached", message);
    }

    /**
     * The rules that need no decoding, for every image: a decompression bomb (or a wrong file) in
     * the last image is refused before anything is decoded, and before a full gallery answers 409.
     */
    private void precheckAll(List<EnrollmentImages.Upload> uploads) {
        if (uploads.isEmpty()) {
            throw ApiException.badRequest("at least one image is required (form field 'images')");
        }
        int maxImages = settings.getEnrollment().getMaxImagesPerRequest();
        if (uploads.size() > maxImages) {
            throw ApiException.badRequest("at most " + maxImages + " images per request");
        }
        long maxBytes = settings.getEnrollment().getMaxImageSize().toBytes();
        long maxPixels = settings.getEnrollment().getMaxImagePixels();
        // every image's header first: a bomb in the last image must not wait for the first one's decode
        for (int i = 0; i < uploads.size(); i++) {
            EnrollmentImages.precheck(uploads.get(i), i + 1, maxBytes, maxPixels);
        }
    }

    /** Decodes every image and makes its template (after {@link #precheckAll}). */
    private List<EnrollmentImages.Checked> checkAll(List<EnrollmentImages.Upload> uploads) {
        long maxBytes = settings.getEnrollment().getMaxImageSize().toBytes();
        long maxPixels = settings.getEnrollment().getMaxImagePixels();
        if (!engine.ready()) {
            throw new ApiException(503, "analytics_unavailable", "Face analytics is unavailable: "
                    + (engine.error() == null ? "disabled by configuration" : engine.error()));
        }
        List<EnrollmentImages.Checked> checked = new ArrayList<>();
        for (int i = 0; i < uploads.size(); i++) {
            checked.add(EnrollmentImages.check(uploads.get(i), i + 1, maxBytes, maxPixels, engine));
        }
        return checked;
    }
}
