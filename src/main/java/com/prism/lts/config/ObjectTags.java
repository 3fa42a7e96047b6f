package com.prism.lts.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * S3 object tags written as {@code key=value,key=value}: the form of {@code prism.s3.tags}. S3 allows at most 10 tags
 * an object, keys of 1 to 128 characters and values of up to 256, made of letters, digits, spaces and
 * {@code + - = . _ : / @}; a comma is none of them, so it can separate tags.
 */
public final class ObjectTags {

    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{N} +\\-=._:/@]*");
    private static final int MAX_TAGS = 10;

    private ObjectTags() {
    }

    /** The tags in {@code text}, in order; empty for blank text. */
    public static Map<String, String> parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return tags;
        }
        for (String pair : text.split(",")) {
            int equals = pair.indexOf('=');
            String key = (equals < 0 ? pair : pair.substring(0, equals)).trim();
            String value = equals < 0 ? "" : pair.substring(equals + 1).trim();
            if (key.isEmpty() || key.length() > 128 || value.length() > 256 || !ALLOWED.matcher(key).matches()
                    || !ALLOWED.matcher(value).matches() || key.startsWith("aws:")) {
                throw new IllegalArgumentException("'" + pair.trim() + "' is not a tag S3 takes: key=value, a key of 1"
                        + " to 128 characters not starting with aws:, a value of up to 256, letters, digits, spaces and"
                        + " + - = . _ : / @ only");
            }
            if (tags.put(key, value) != null) {
                throw new IllegalArgumentException("tag " + key + " is given twice");
            }
        }
        if (tags.size() > MAX_TAGS) {
            throw new IllegalArgumentException("names " + tags.size() + " tags; S3 takes at most " + MAX_TAGS);
        }
        return tags;
    }
}
