import LanguageModeling
import GPT2
import NGram

extension FamilyRegistry {
    /// Every model family of the tool. A new family is one new module and one entry here.
    public static let standard = FamilyRegistry([
        NGramFamily(),
        GPT2Family(),
    ])
}
