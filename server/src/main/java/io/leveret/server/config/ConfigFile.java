package io.leveret.server.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a rabbitmq.conf-style file: one {@code key = value} per line, whitespace around both trimmed,
 * the value being everything after the first {@code =} (so it may contain {@code =} and {@code #}, as
 * passwords do); blank lines and lines starting with {@code #} are skipped.
 */
final class ConfigFile {

    private ConfigFile() {
    }

    static List<Assignment> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new ConfigException("cannot read config file " + file + ": it is not UTF-8 text", e);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + describe(e), e);
        }
        return parse(lines, file.toString());
    }

    static List<Assignment> parse(List<String> lines, String fileName) {
        List<Assignment> assignments = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            String source = fileName + " line " + (i + 1);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new ConfigException("cannot parse '" + line + "' in " + source + ": expected 'key = value'");
            }
            String key = line.substring(0, eq).strip();
            if (key.isEmpty() || key.chars().anyMatch(Character::isWhitespace)) {
                throw new ConfigException("cannot parse '" + line + "' in " + source
                        + ": expected 'key = value' with a key without spaces");
            }
            assignments.add(new Assignment(key, line.substring(eq + 1).strip(), source));
        }
        return assignments;
    }

    /** NoSuchFileException and its kin carry only the path as their message; say what went wrong. */
    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
