import Testing
@testable import Storage

@Suite struct JSONValueTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(#"{"a": [1, -2.5e3, true, false, null], "b": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "c": {}}"#)
        #expect(value == .object([
            "a": .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]),
            "b": .string("x\"\\/\u{08}\u{0C}\n\r\té😀"), "c": .object([:]),
        ]))
    }

    @Test func aLongStringWithAnEscapePerLineReadsBackWhole() throws {
        let lines = (0..<50_000).map { "wörd\($0)" }
        let value = try parse("{\"vocabulary\": \"" + lines.joined(separator: "\\n") + "\"}")
        #expect(value == .object(["vocabulary": .string(lines.joined(separator: "\n"))]))
    }

    @Test func aDuplicateKeyIsAnErrorWithItsPosition() throws {
        #expect(throws: CollapseError("line 3, column 3: duplicate key 'beams'")) { try parse("{\n  \"beams\": 5,\n  \"beams\": 3\n}") }
        // The same key in different objects is fine.
        _ = try parse(#"{"a": {"k": 1}, "b": {"k": 2}}"#)
    }

    @Test func malformedDocumentsAreRefused() {
        for text in ["", "{", "{\"a\" 1}", "[1,]", "01", "1.", "\"\\x\"", "\"\u{01}\"", "{} {}", "tru", "\"\\ud800\"",
                     String(repeating: "[", count: 300) + String(repeating: "]", count: 300)] {
            #expect(throws: CollapseError.self, "\(text)") { try parse(text) }
        }
    }
}
