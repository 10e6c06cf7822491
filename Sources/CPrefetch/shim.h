/* A cache hint the Swift standard library does not offer: start loading the line at `address`
   (for reading, kept in every cache level) while the caller works on something else. */
static inline void prefetchForReading(const void *address) { __builtin_prefetch(address, 0, 3); }
