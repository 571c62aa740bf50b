package io.lenswire.analytics;

import java.util.List;
import java.util.Optional;

/**
 * The enrolled people as one recognizer sees them: an immutable snapshot, replaced as a whole on
 * every enrollment change so that running cameras pick changes up with their next frame.
 */
public record Gallery(String recognizer, List<Person> people) {

    public static final Gallery EMPTY = new Gallery("none", List.of());

    /** An enrolled person with one template per usable enrollment image. */
    public record Person(long id, String name, List<float[]> templates) {
    }

    /** The best-matching person of a template, and the runner-up's similarity (or -1). */
    public record Match(Person person, double similarity, double runnerUp) {
    }

    public Optional<Person> find(long id) {
        return people.stream().filter(p -> p.id() == id).findFirst();
    }

    /** Best person by their best template; empty when nobody is enrolled. */
    public Optional<Match> best(FaceRecognizer recognizer, float[] template) {
        Person best = null;
        double bestSim = -1;
        double second = -1;
        for (Person p : people) {
            double sim = -1;
            for (float[] t : p.templates()) {
                sim = Math.max(sim, recognizer.similarity(template, t));
            }
            if (p.templates().isEmpty()) {
                continue;
            }
            if (sim > bestSim) {
                second = bestSim;
                bestSim = sim;
                best = p;
            } else if (sim > second) {
                second = sim;
            }
        }
        return best == null ? Optional.empty() : Optional.of(new Match(best, bestSim, second));
    }
}
