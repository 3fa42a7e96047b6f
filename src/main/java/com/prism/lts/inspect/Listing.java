package com.prism.lts.inspect;

import java.util.List;

/** What is under a prefix of a bucket: archive files, in {@link ArchiveFileEntry#ORDER}, and the keys of the rest. */
public record Listing(List<ArchiveFileEntry> files, List<String> otherKeys) {
}
