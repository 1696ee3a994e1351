using System.Text.Json.Serialization;
using LlamaJump.Dumps.Corpus;

namespace LlamaJump.Dumps;

/// <summary>The corpus a dump sampled, as recorded in manifest.json's <c>corpus</c>: its file name (informational),
/// the SHA-256 of its raw bytes (its identity), and what <see cref="CorpusReader"/> made of it.</summary>
public sealed record DumpCorpusInfo(
    string File,
    string Sha256,
    [property: JsonPropertyName("looks_like_wikitext")] bool LooksLikeWikiText,
    int Sentences,
    int Lines,
    long InvalidBytesReplaced,
    int HeadingLinesDropped,
    int UnkSentencesDropped,
    int ShortSentencesDropped)
{
    /// <summary>The record for <paramref name="corpus"/>, shown as <paramref name="file"/>.</summary>
    public static DumpCorpusInfo From(string file, CorpusText corpus) => new(
        file, corpus.Sha256, corpus.LooksLikeWikiText, corpus.Sentences.Count, corpus.Lines,
        corpus.InvalidBytesReplaced, corpus.HeadingLinesDropped, corpus.UnkSentencesDropped,
        corpus.ShortSentencesDropped);
}
