import Storage

/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, then the tensors' bytes. Read strictly:
/// a truncated file, overlapping or out-of-range tensors, a shape that does not match its
/// bytes, or malformed JSON is a one-line error naming the file. We write float32 tensors with
/// sorted names and, in `__metadata__`, the XXH64 of the data, so damage to a file we wrote is
/// caught too.
public struct SafeTensors {
    public struct Tensor: Sendable, Equatable {
        public let dtype: String
        public let shape: [Int]
        /// Byte range within the data section.
        public let range: Range<Int>
    }

    public let path: String
    public let tensors: [String: Tensor]
    /// `__metadata__`: free-form text fields.
    public let metadata: [String: String]
    private let data: [UInt8]

    /// The metadata key holding the data's checksum in files this tool writes.
    public static let checksumKey = "modelcollapse.xxh64"
    static let maximumHeader = 100 << 20

    public init(path: String) throws {
        let bytes = try InputFile(path: path).readAll()
        func fail(_ problem: String) -> CollapseError { CollapseError(problem, path: path) }
        guard bytes.count >= 8 else { throw fail("truncated: shorter than a safetensors header") }
        let lengthField = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard let headerLength = Int(count: lengthField, atMost: Self.maximumHeader), 8 + headerLength <= bytes.count else {
            throw fail("truncated or not safetensors: a header of \(lengthField) bytes does not fit in \(bytes.count)")
        }
        let header: JSONValue
        do {
            header = try JSONValue.parse(Array(bytes[8..<(8 + headerLength)]))
        } catch let error as CollapseError {
            throw fail("bad safetensors header (\(error.problem))")
        }
        guard case .object(let members) = header else { throw fail("bad safetensors header (not an object)") }
        let data = Array(bytes[(8 + headerLength)...])
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in members {
            if name == "__metadata__" {
                guard case .object(let fields) = value else { throw fail("bad __metadata__ (not an object)") }
                for (key, field) in fields {
                    guard case .string(let text) = field else { throw fail("bad __metadata__ value for '\(key)'") }
                    metadata[key] = text
                }
                continue
            }
            tensors[name] = try Self.tensor(name, value, dataSize: data.count, fail: fail)
        }
        // Tensors must tile the data exactly: no overlap, no gap.
        var position = 0
        for tensor in tensors.values.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            guard tensor.range.lowerBound == position else { throw fail("tensors overlap or leave a gap at byte \(position) of the data") }
            position = tensor.range.upperBound
        }
        guard position == data.count else { throw fail("truncated or padded: tensors cover \(position) of \(data.count) data bytes") }
        if let recorded = metadata[Self.checksumKey], recorded != XXHash64.hash(data).hexDigits {
            throw fail("damaged: the tensors' checksum differs from the one recorded in the file")
        }
        self.path = path
        self.tensors = tensors
        self.metadata = metadata
        self.data = data
    }

    static func tensor(_ name: String, _ value: JSONValue, dataSize: Int, fail: (String) -> CollapseError) throws -> Tensor {
        guard case .object(let fields) = value, case .string(let dtype)? = fields["dtype"],
              case .array(let dims)? = fields["shape"], case .array(let offsets)? = fields["data_offsets"], offsets.count == 2 else {
            throw fail("bad entry for tensor '\(name)'")
        }
        let shape = try dims.map { dim -> Int in
            guard case .number(let text) = dim, let size = Int(text), size >= 0 else { throw fail("bad shape for tensor '\(name)'") }
            return size
        }
        let bounds = try offsets.map { offset -> Int in
            guard case .number(let text) = offset, let value = Int(text), value >= 0 else { throw fail("bad data_offsets for tensor '\(name)'") }
            return value
        }
        guard bounds[0] <= bounds[1], bounds[1] <= dataSize else {
            throw fail("truncated: tensor '\(name)' lies at bytes \(bounds[0])..<\(bounds[1]) of \(dataSize)")
        }
        let width = ["F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8, "I32": 4, "U8": 1, "BOOL": 1][dtype] ?? 0
        guard width > 0 else { throw fail("tensor '\(name)' has an unknown dtype \(dtype)") }
        guard Int.product(of: shape + [width]) == bounds[1] - bounds[0] else {
            throw fail("tensor '\(name)' has shape \(shape) of \(dtype) but \(bounds[1] - bounds[0]) bytes")
        }
        return Tensor(dtype: dtype, shape: shape, range: bounds[0]..<bounds[1])
    }

    /// - Throws: unless `name` is a float32 tensor of `shape`.
    @discardableResult
    public func checkFloats(_ name: String, shape: [Int]) throws -> Tensor {
        guard let tensor = tensors[name] else { throw CollapseError("no tensor '\(name)'", path: path) }
        guard tensor.dtype == "F32" else { throw CollapseError("tensor '\(name)' is \(tensor.dtype); only F32 is read", path: path) }
        guard tensor.shape == shape else { throw CollapseError("tensor '\(name)' has shape \(tensor.shape), expected \(shape)", path: path) }
        return tensor
    }

    /// A float32 tensor's values, checked to have `shape` and to be finite: a NaN or an
    /// infinity in a weight would turn every score it touches into NaN.
    public func floats(_ name: String, shape: [Int]) throws -> [Float] {
        let tensor = try checkFloats(name, shape: shape)
        var values = [Float](repeating: 0, count: tensor.range.count / 4)
        values.withUnsafeMutableBytes { destination in
            data.withUnsafeBytes { source in
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[tensor.range]))
            }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw CollapseError("tensor '\(name)' holds a non-finite value (\(values[bad]) at element \(bad))", path: path)
        }
        return values
    }

    /// Writes float32 tensors (sorted by name, back to back) with `metadata` and the data's checksum.
    public static func write(to path: String, tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)],
                             metadata: [String: String]) throws {
        var data: [UInt8] = []
        var entries: [String] = []
        for tensor in tensors.sorted(by: { $0.name < $1.name }) {
            precondition(tensor.values.count == tensor.shape.reduce(1, *), "tensor \(tensor.name) has the wrong number of values")
            let start = data.count
            data.append(contentsOf: UnsafeRawBufferPointer(tensor.values))
            entries.append("\(quoted(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(start),\(data.count)]}")
        }
        var fields = metadata
        fields[checksumKey] = XXHash64.hash(data).hexDigits
        let meta = fields.sorted { $0.key < $1.key }.map { "\(quoted($0.key)):\(quoted($0.value))" }.joined(separator: ",")
        var header = Array("{\"__metadata__\":{\(meta)},\(entries.joined(separator: ","))}".utf8)
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        while (8 + header.count) % 8 != 0 { header.append(0x20) }
        let file = try OutputFile(path: path)
        try withUnsafeBytes(of: UInt64(header.count).littleEndian) { try file.write($0) }
        try file.write(header)
        try file.write(data)
        try file.commit()
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20: result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
