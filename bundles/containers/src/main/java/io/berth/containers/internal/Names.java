package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/** Container ids and names: random 256-bit ids, names checked as docker checks them, or made up. */
final class Names {
    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final List<String> ADJECTIVES = List.of("agile", "amazing", "bold", "brave", "bright", "busy", "calm",
            "careful", "charming", "cheerful", "clever", "confident", "cool", "curious", "daring", "dazzling", "eager",
            "elated", "eloquent", "epic", "fervent", "festive", "fond", "friendly", "gallant", "gentle", "gifted",
            "gracious", "happy", "hardcore", "heuristic", "hopeful", "humble", "inspiring", "jolly", "jovial", "keen",
            "kind", "laughing", "lucid", "lucky", "magical", "modest", "musing", "mystifying", "nice", "nifty",
            "nimble", "noble", "optimistic", "patient", "peaceful", "pensive", "placid", "pleasant", "practical",
            "proud", "quiet", "quirky", "relaxed", "reverent", "romantic", "serene", "sharp", "silly", "sleepy",
            "stoic", "sweet", "tender", "thirsty", "trusting", "upbeat", "vibrant", "vigilant", "vigorous", "wizardly",
            "wonderful", "xenodochial", "youthful", "zealous", "zen");

    /** People who shaped computing and science. */
    private static final List<String> SURNAMES = List.of("agnesi", "allen", "archimedes", "babbage", "backus",
            "bardeen", "bartik", "bell", "blackwell", "bohr", "boole", "borg", "bose", "brattain", "carson", "cerf",
            "chandrasekhar", "clarke", "codd", "conway", "cori", "curie", "darwin", "dijkstra", "einstein", "elgamal",
            "engelbart", "euclid", "euler", "faraday", "fermat", "fermi", "feynman", "franklin", "galileo", "gauss",
            "goldberg", "goodall", "hamilton", "hawking", "heisenberg", "hertz", "hodgkin", "hopper", "hypatia",
            "jackson", "johnson", "kalam", "kepler", "khorana", "knuth", "kowalevski", "lamarr", "lamport", "leakey",
            "liskov", "lovelace", "lumiere", "margulis", "maxwell", "mayer", "mccarthy", "mcclintock", "meitner",
            "mendel", "mirzakhani", "morse", "napier", "newton", "noether", "pascal", "pasteur", "perlman", "pike",
            "poincare", "ptolemy", "raman", "ramanujan", "ritchie", "rosalind", "sammet", "shannon", "shockley",
            "sinoussi", "stonebraker", "swanson", "tesla", "thompson", "torvalds", "turing", "varahamihira", "volhard",
            "wescoff", "wiles", "williams", "wilson", "wing", "wozniak", "wright", "yalow", "yonath");

    private Names() {
    }

    /** A new container id: 64 hexadecimal digits whose short form is never all digits (it would read as a number). */
    static String newId() {
        byte[] b = new byte[32];
        while (true) {
            RANDOM.nextBytes(b);
            String id = HexFormat.of().formatHex(b);
            if (!id.substring(0, 12).chars().allMatch(Character::isDigit)) {
                return id;
            }
        }
    }

    /** A made-up name, {@code adjective_surname}; {@code attempt} above 0 adds a digit, as docker does on clashes. */
    static String generate(int attempt) {
        String name = ADJECTIVES.get(RANDOM.nextInt(ADJECTIVES.size())) + "_" + SURNAMES.get(RANDOM.nextInt(SURNAMES.size()));
        return attempt > 0 ? name + RANDOM.nextInt(10) : name;
    }

    /**
     * A name the user gave, without docker's optional leading slash.
     *
     * @throws InvalidArgumentException if it has characters docker does not allow
     */
    static String validate(String name) {
        String n = name.startsWith("/") ? name.substring(1) : name;
        if (!VALID.matcher(n).matches()) {
            throw new InvalidArgumentException("Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        return n;
    }
}
