import Testing
@testable import Tokenization

@Suite struct ICUTokenizerTests {
    let icu: ICUTokenizer
    init() throws { icu = try ICUTokenizer() }

    @Test func keepsUnknownMarkerAndWikiTextJoinersWhole() throws {
        #expect(try icu.tokens(of: "The <unk> was 1 @,@ 000 @.@ 5 km @-@ long .")
            == ["The", "<unk>", "was", "1", "@,@", "000", "@.@", "5", "km", "@-@", "long", "."])
    }

    @Test func keepsMarkupWholeButNotLooseAngleBrackets() throws {
        #expect(try icu.tokens(of: "<eos> </s> <s>") == ["<eos>", "</s>", "<s>"])
        #expect(try icu.tokens(of: "a<b c> <not closed") == ["a", "<", "b", "c", ">", "<", "not", "closed"])
        #expect(try icu.tokens(of: "<" + String(repeating: "x", count: 40) + ">").count == 3)
    }

    @Test func keepsPunctuationAndDropsAllWhitespace() throws {
        #expect(try icu.tokens(of: "Hello, world! (x) $5\tand\u{3000}ideographic\u{00A0}nbsp\r\n")
            == ["Hello", ",", "world", "!", "(", "x", ")", "$", "5", "and", "ideographic", "nbsp"])
    }

    @Test func followsICUWordRulesForCliticsAndAbbreviations() throws {
        #expect(try icu.tokens(of: "don't U.S. 's n't 3.14") == ["don't", "U.S", ".", "'", "s", "n't", "3.14"])
    }

    @Test func segmentsTextWithoutSpaces() throws {
        #expect(try icu.tokens(of: "日本語のテキスト") == ["日本語", "の", "テキスト"])
    }

    @Test func emptyAndBlankTextHaveNoTokens() throws {
        #expect(try icu.tokens(of: "") == [])
        #expect(try icu.tokens(of: "  \t \n ") == [])
    }

    @Test func reportsICUVersion() {
        #expect(ICUTokenizer.icuVersion.split(separator: ".").count == 2)
    }
}

@Suite struct WhitespaceTokenizerTests {
    @Test func splitsOnUnicodeWhitespaceOnly() throws {
        let tokenizer = WhitespaceTokenizer()
        #expect(try tokenizer.tokens(of: " a  b\tc,d\u{00A0}e\u{2003}f\u{3000}g\u{2028}h\u{0085}i\r\n") == ["a", "b", "c,d", "e", "f", "g", "h", "i"])
        #expect(try tokenizer.tokens(of: "@-@ <unk> don't") == ["@-@", "<unk>", "don't"])
    }

    @Test func nonWhitespaceMultibyteCharactersStayInTokens() throws {
        // U+2010 HYPHEN and U+3001 IDEOGRAPHIC COMMA share lead bytes with whitespace code points.
        #expect(try WhitespaceTokenizer().tokens(of: "a\u{2010}b c\u{3001}d") == ["a\u{2010}b", "c\u{3001}d"])
    }
}

@Suite struct TokenTableTests {
    @Test func insertsAndFindsThroughGrowth() {
        var table = TokenTable(minimumCapacity: 4)
        for index in 0..<5000 {
            let (slot, inserted) = table.insert("token\(index)")
            #expect(inserted && slot == index)
        }
        #expect(table.count == 5000)
        #expect(table.insert("token17") == (17, false))
        #expect(table.index(of: "token4999") == 4999)
        #expect(table.index(of: "token5000") == nil)
        #expect(table.string(123) == "token123")
    }

    @Test func distinguishesKeysSharingPrefixesAndLengths() {
        var table = TokenTable()
        let keys = ["", "a", "ab", "abcdefgh", "abcdefgi", "abcdefghi", "bacdefgh"]
        for key in keys { table.insert(key) }
        for (index, key) in keys.enumerated() { #expect(table.index(of: key) == index) }
    }

    /// Appending keys and placing them at once (the fast path) finds what inserting one by one
    /// finds, through growth, and names the first repeated key.
    @Test func placingAppendedKeysMatchesInsertingThemOneByOne() {
        let keys = (0..<3000).map { "k\($0 * 7919 % 3001)" } + ["", "a", "abcdefghij"]
        var inserted = TokenTable(minimumCapacity: 4), appended = TokenTable(minimumCapacity: 4)
        for key in keys {
            inserted.insert(key)
            var key = key
            key.withUTF8 { appended.append(UnsafeRawBufferPointer($0)) }
        }
        #expect(appended.placeAppended() == nil)
        for probe in keys + ["k3001", "b", "abcdefghi"] {
            #expect(appended.index(of: probe) == inserted.index(of: probe), "\(probe)")
        }
        #expect(appended.insert("new") == inserted.insert("new"))
        var repeated = TokenTable()
        for key in ["x", "y", "z", "y", "x"] {
            var key = key
            key.withUTF8 { repeated.append(UnsafeRawBufferPointer($0)) }
        }
        #expect(repeated.placeAppended() == 3)
    }
}
