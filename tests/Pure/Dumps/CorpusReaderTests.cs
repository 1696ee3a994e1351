using System.Security.Cryptography;
using System.Text;
using LlamaJump.Dumps.Corpus;
using LlamaJump.Tests.Pure.Gguf;
using LlamaJump.Tests.Pure.Models;

namespace LlamaJump.Tests.Pure.Dumps;

public sealed class CorpusReaderTests(ITestOutputHelper output)
{
    [Fact]
    public void Restores_wikitext_drops_headings_unk_and_short_sentences()
    {
        string wiki =
            " = Robert Boulter = \r\n" +
            " Robert Boulter is an English film , television and theatre actor . He had a guest @-@ starring role in 2 @,@ 000 episodes . \r\n" +
            " = = Career = = \r\n" +
            " He was paid 1 @.@ 5 million dollars for the role . A <unk> was seen in the main film . Too short . \r\n";
        var corpus = CorpusReader.FromBytes(Encoding.UTF8.GetBytes(wiki));

        Assert.True(corpus.LooksLikeWikiText);
        Assert.Equal(
            [
                "Robert Boulter is an English film, television and theatre actor.",
                "He had a guest-starring role in 2,000 episodes.",
                "He was paid 1.5 million dollars for the role.",
            ],
            corpus.Sentences);
        Assert.Equal(4, corpus.Lines);
        Assert.Equal(2, corpus.HeadingLinesDropped);
        Assert.Equal(1, corpus.UnkSentencesDropped);
        Assert.Equal(1, corpus.ShortSentencesDropped);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(wiki))), corpus.Sha256);
    }

    [Fact]
    public void Plain_text_joins_wrapped_lines_into_paragraphs()
    {
        string text = "The first sentence runs over\ntwo lines of text. The second one is here too.\n\nA new paragraph starts now.\n";
        var corpus = CorpusReader.FromBytes(Encoding.UTF8.GetBytes(text));

        Assert.False(corpus.LooksLikeWikiText);
        Assert.Equal(
            ["The first sentence runs over two lines of text.", "The second one is here too.", "A new paragraph starts now."],
            corpus.Sentences);
    }

    [Fact]
    public void Replaces_and_counts_invalid_utf8()
    {
        byte[] bytes = [.. "This line has a bad "u8, 0xFF, 0xFE, .. " byte pair in it. And a truncated "u8, 0xE2, 0x82,
            .. " sequence ends this one.\n"u8];
        var corpus = CorpusReader.FromBytes(bytes);

        Assert.Equal(4, corpus.InvalidBytesReplaced);
        Assert.Equal(["This line has a bad \uFFFD\uFFFD byte pair in it.", "And a truncated \uFFFD sequence ends this one."],
            corpus.Sentences);
    }

    [Fact]
    public void A_directory_concatenates_txt_and_raw_files_in_name_order()
    {
        using var temp = new TempDirectory();
        string dir = temp.Dir("corpus");
        File.WriteAllText(Path.Combine(dir, "b.raw"), "Second file holds this sentence here.\n");
        File.WriteAllText(Path.Combine(dir, "a.txt"), "First file holds this sentence here.");
        File.WriteAllText(Path.Combine(dir, "c.md"), "Ignored file holds this sentence here.\n");

        var corpus = CorpusReader.Read(dir);

        Assert.Equal(["First file holds this sentence here.", "Second file holds this sentence here."], corpus.Sentences);
        byte[] concatenated = [.. File.ReadAllBytes(Path.Combine(dir, "a.txt")), .. File.ReadAllBytes(Path.Combine(dir, "b.raw"))];
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(concatenated)), corpus.Sha256);
        Assert.Equal(2, corpus.Files.Count);
    }

    [Fact]
    public void Missing_paths_and_empty_directories_are_one_line_errors()
    {
        using var temp = new TempDirectory();
        var missing = Assert.Throws<CorpusException>(() => CorpusReader.Read(Path.Combine(temp.Root, "nope.txt")));
        Assert.Contains("no such file or directory", missing.Message);
        var empty = Assert.Throws<CorpusException>(() => CorpusReader.Read(temp.Dir("empty")));
        Assert.Contains("no *.txt or *.raw files", empty.Message);
    }

    [Fact]
    public void Real_wikitext_files_give_about_11_thousand_sentences()
    {
        var test = CorpusReader.Read(SharedFiles.Path("data", "wikitext-2", "wiki.test.raw"));
        var valid = CorpusReader.Read(SharedFiles.Path("data", "wikitext-2", "valid.txt"));
        foreach (var (name, corpus) in new[] { ("wiki.test.raw", test), ("valid.txt", valid) })
            output.WriteLine($"{name}: {corpus.Sentences.Count} sentences, {corpus.Lines} lines, {corpus.HeadingLinesDropped} headings, " +
                             $"{corpus.UnkSentencesDropped} <unk> dropped, {corpus.ShortSentencesDropped} short dropped, {corpus.InvalidBytesReplaced} invalid bytes");

        Assert.True(test.LooksLikeWikiText);
        Assert.True(valid.LooksLikeWikiText);
        Assert.InRange(test.Sentences.Count, 8_500, 9_500);
        Assert.InRange(valid.Sentences.Count, 2_100, 2_700);
        Assert.InRange(test.Sentences.Count + valid.Sentences.Count, 11_000, 12_000);
        Assert.Equal(0, test.UnkSentencesDropped);
        Assert.True(valid.UnkSentencesDropped > 1_000);
        // Restored text: no WikiText markers or spaced punctuation survive.
        foreach (string sentence in test.Sentences.Concat(valid.Sentences))
        {
            Assert.DoesNotContain("@-@", sentence);
            Assert.DoesNotContain(" , ", sentence);
            Assert.False(sentence.EndsWith(" .", StringComparison.Ordinal), sentence);
        }
    }
}
