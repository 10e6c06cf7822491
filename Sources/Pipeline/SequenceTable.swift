import Storage

/// A per-sequence table of a run (`sequence-perplexity.tsv` and its kin): a header, then one
/// `index<TAB>perplexity` row per sequence, written so that the values read back exactly.
enum SequenceTable {
    static func write(_ perplexities: [Double], firstIndex: Int = 0, to path: String) throws {
        var text = "sequence\tperplexity\n"
        for (index, value) in perplexities.enumerated() { text += "\(firstIndex + index)\t\(value)\n" }
        try FileSystem.writeText(text, to: path)
    }

    /// The values of the table at `path`, appended to `values`; its rows must number on from
    /// `values.count` (so that a shard's table continues the one before it).
    /// - Throws: naming the file and the first row that does not.
    static func read(_ path: String, appendingTo values: inout [Double]) throws {
        let lines = String(decoding: try InputFile(path: path).readAll(), as: UTF8.self).split(separator: "\n").dropFirst()
        for line in lines {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, Int(fields[0]) == values.count, let value = Double(String(fields[1])) else {
                throw CollapseError("row '\(line)' is not sequence \(values.count) and its perplexity", path: path)
            }
            values.append(value)
        }
    }
}
