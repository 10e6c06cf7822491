import Storage

/// Owns the probing tables of orders 2…N and their context slots: either allocated here while a
/// model is laid out (one order at a time, so the dense form can be released order by order),
/// or pages of a mapped model file. They never change afterwards.
final class ProbingStorage: @unchecked Sendable {
    private(set) var tables: [UnsafeMutableBufferPointer<ProbingEntry>]
    /// Per order n ≥ 2, by slot: the slot (word id at n = 2) of the n-gram's context, −1 if empty.
    private(set) var contexts: [UnsafeBufferPointer<Int32>]
    /// The file the tables lie in, when mapped; nil when they were allocated here.
    private let mapping: SectionFileReader?

    init(order: Int) {
        tables = [UnsafeMutableBufferPointer<ProbingEntry>](repeating: .init(start: nil, count: 0), count: order + 1)
        contexts = [UnsafeBufferPointer<Int32>](repeating: .init(start: nil, count: 0), count: order + 1)
        mapping = nil
    }

    /// Tables and contexts that lie in `file` (which this storage keeps open); never written.
    init(mapping file: SectionFileReader, tables: [UnsafeBufferPointer<ProbingEntry>], contexts: [UnsafeBufferPointer<Int32>]) {
        self.tables = tables.map { UnsafeMutableBufferPointer(mutating: $0) }
        self.contexts = contexts
        mapping = file
    }

    /// Allocates order n's table, every slot empty, and its contexts, every slot −1.
    func allocate(order n: Int, capacity: Int) -> (table: UnsafeMutableBufferPointer<ProbingEntry>, contexts: UnsafeMutableBufferPointer<Int32>) {
        precondition(mapping == nil, "a mapped model's tables are read-only")
        let table = UnsafeMutableBufferPointer<ProbingEntry>.allocate(capacity: capacity)
        table.initialize(repeating: .empty)
        let slots = UnsafeMutableBufferPointer<Int32>.allocate(capacity: capacity)
        slots.initialize(repeating: -1)
        tables[n] = table
        contexts[n] = UnsafeBufferPointer(slots)
        return (table, slots)
    }

    deinit {
        guard mapping == nil else { return }
        for table in tables where table.baseAddress != nil { table.deallocate() }
        for slots in contexts where slots.baseAddress != nil { slots.deallocate() }
    }
}
