import Reporting
import Tokenization

extension TokenizerComparison {
    /// A summary and a table of the most frequent kinds of difference.
    public func rendered(limit: Int) -> String {
        let differing = whitespaceTokens - identical
        var text = "whitespace tokens \(Format.grouped(whitespaceTokens)), ICU tokens \(Format.grouped(icuTokens)); "
        text += "\(Format.grouped(identical)) identical, \(Format.grouped(differing)) differ in \(kinds.count) kinds\n"
        var table = TextTable(header: ["kind (ICU pieces)", "count", "examples"])
        for kind in kinds.prefix(limit) {
            table.append([kind.shape, Format.grouped(kind.count), kind.examples.joined(separator: "  ")])
        }
        text += table.render()
        if kinds.count > limit {
            let rest = kinds.dropFirst(limit)
            text += "… and \(rest.count) more kinds with \(Format.grouped(rest.reduce(0) { $0 + $1.count })) tokens\n"
        }
        return text
    }
}
