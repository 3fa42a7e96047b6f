package com.prism.lts.app;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

import org.apache.camel.spi.HeadersMapFactory;

/**
 * Camel's message headers in two arrays, with keys compared ignoring case as Camel requires. Every Kafka record is an
 * exchange carrying about ten headers, which Camel's default map (a {@code TreeMap} ordered ignoring case) builds
 * node by node, compares character by character and copies node by node when the aggregator takes its copy of each
 * record; here a lookup is a scan that mostly compares lengths, and a copy is two array copies. Keys keep the case
 * they were first put with, and iterate in the order they were put.
 */
final class ArrayHeadersMap extends AbstractMap<String, Object> {

    private static final int INITIAL_CAPACITY = 16;

    private String[] keys;
    private Object[] values;
    private int size;

    ArrayHeadersMap() {
        keys = new String[INITIAL_CAPACITY];
        values = new Object[INITIAL_CAPACITY];
    }

    private ArrayHeadersMap(ArrayHeadersMap other) {
        keys = other.keys.clone();
        values = other.values.clone();
        size = other.size;
    }

    static ArrayHeadersMap copyOf(Map<String, Object> headers) {
        if (headers instanceof ArrayHeadersMap same) {
            return new ArrayHeadersMap(same);
        }
        ArrayHeadersMap copy = new ArrayHeadersMap();
        copy.putAll(headers);
        return copy;
    }

    private int indexOf(Object key) {
        if (key instanceof String name) {
            for (int i = 0; i < size; i++) {
                if (keys[i] == name || keys[i].equalsIgnoreCase(name)) {
                    return i;
                }
            }
        }
        return -1;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i >= 0 ? values[i] : null;
    }

    @Override
    public Object put(String key, Object value) {
        Objects.requireNonNull(key, "a header needs a name");
        int i = indexOf(key);
        if (i >= 0) {
            Object previous = values[i];
            values[i] = value;
            return previous;
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size] = value;
        size++;
        return null;
    }

    @Override
    public Object remove(Object key) {
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        Object previous = values[i];
        removeAt(i);
        return previous;
    }

    private void removeAt(int i) {
        int after = size - i - 1;
        System.arraycopy(keys, i + 1, keys, i, after);
        System.arraycopy(values, i + 1, values, i, after);
        size--;
        keys[size] = null;
        values[size] = null;
    }

    @Override
    public void clear() {
        Arrays.fill(keys, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;
                    private int last = -1;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        last = next++;
                        return new Header(last);
                    }

                    @Override
                    public void remove() {
                        if (last < 0) {
                            throw new IllegalStateException();
                        }
                        removeAt(last);
                        next = last;
                        last = -1;
                    }
                };
            }
        };
    }

    /** An entry of this map, writing through to it; valid until the map is changed otherwise. */
    private final class Header extends SimpleEntry<String, Object> {

        private final int index;

        Header(int index) {
            super(keys[index], values[index]);
            this.index = index;
        }

        @Override
        public Object setValue(Object value) {
            values[index] = value;
            return super.setValue(value);
        }
    }

    /** Makes Camel use this map for every message ({@code ArchiveApplication}). */
    static final class Factory implements HeadersMapFactory {

        @Override
        public Map<String, Object> newMap() {
            return new ArrayHeadersMap();
        }

        @Override
        public Map<String, Object> newMap(Map<String, Object> map) {
            return copyOf(map);
        }

        @Override
        public boolean isInstanceOf(Map<String, Object> map) {
            return map instanceof ArrayHeadersMap;
        }

        @Override
        public boolean isCaseInsensitive() {
            return true;
        }
    }
}
