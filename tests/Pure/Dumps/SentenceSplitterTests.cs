using LlamaJump.Dumps.Corpus;

namespace LlamaJump.Tests.Pure.Dumps;

public sealed class SentenceSplitterTests
{
    [Theory]
    [InlineData("One two three. Four five six.", new[] { "One two three.", "Four five six." })]
    [InlineData("Is it? Yes! It is.", new[] { "Is it?", "Yes!", "It is." })]
    [InlineData("It cost 3.5 million. Then it fell.", new[] { "It cost 3.5 million.", "Then it fell." })]
    [InlineData("Mr. Smith met Dr. Jones at St. Paul's. They talked.", new[] { "Mr. Smith met Dr. Jones at St. Paul's.", "They talked." })]
    [InlineData("Fruit, e.g. Apples, i.e. Red ones. Next one.", new[] { "Fruit, e.g. Apples, i.e. Red ones.", "Next one." })]
    [InlineData("He moved to the U.S. In 1990 he left.", new[] { "He moved to the U.S. In 1990 he left." })]
    [InlineData("John F. Kennedy spoke. Crowds cheered.", new[] { "John F. Kennedy spoke.", "Crowds cheered." })]
    [InlineData("He said \"Stop.\" Then he left.", new[] { "He said \"Stop.\"", "Then he left." })]
    [InlineData("It ended (finally.) The end.", new[] { "It ended (finally.)", "The end." })]
    [InlineData("the value was 2. then it rose", new[] { "the value was 2. then it rose" })]
    [InlineData("Wait... What happened?", new[] { "Wait...", "What happened?" })]
    [InlineData("No period at the end", new[] { "No period at the end" })]
    [InlineData("He said. \"Go now.\"", new[] { "He said.", "\"Go now.\"" })]
    public void Splits_sentences(string paragraph, string[] expected) =>
        Assert.Equal(expected, SentenceSplitter.Split(paragraph).ToArray());
}
