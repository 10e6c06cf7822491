import CMalloc

/// Keeps large allocations in their own mappings, returned to the system when freed.
///
/// glibc raises its mmap threshold after the first large free (up to 32 MB), after which big
/// arrays come from the heap and stay resident when released; stages that free one large
/// table before building the next then peak far above what is live.
func tuneMemoryAllocator() {
    _ = mallopt(M_MMAP_THRESHOLD, 1 << 20)
}
