namespace LlamaJump.Dumps.Corpus;

/// <summary>A corpus read and split into sentences by <see cref="CorpusReader"/>. A sentence's index in
/// <see cref="Sentences"/> is what dumps record as its <c>sentence_index</c>; it is stable for the same input
/// bytes and the same version of this code.</summary>
public sealed class CorpusText
{
    internal CorpusText(IReadOnlyList<string> sentences, string sha256, bool looksLikeWikiText, IReadOnlyList<string> files,
        int lines, long invalidBytesReplaced, int headingLinesDropped, int unkSentencesDropped, int shortSentencesDropped)
    {
        Sentences = sentences;
        Sha256 = sha256;
        LooksLikeWikiText = looksLikeWikiText;
        Files = files;
        Lines = lines;
        InvalidBytesReplaced = invalidBytesReplaced;
        HeadingLinesDropped = headingLinesDropped;
        UnkSentencesDropped = unkSentencesDropped;
        ShortSentencesDropped = shortSentencesDropped;
    }

    /// <summary>The usable sentences, in corpus order: restored, trimmed, at least
    /// <see cref="CorpusReader.MinWords"/> words, none containing <c>&lt;unk&gt;</c>.</summary>
    public IReadOnlyList<string> Sentences { get; }

    /// <summary>Lower-case hex SHA-256 of the raw bytes read: the file, or a directory's files concatenated in
    /// the order of <see cref="Files"/>.</summary>
    public string Sha256 { get; }

    /// <summary>Whether WikiText formatting was detected (and so restored); see
    /// <see cref="WikiTextFormat.LooksLikeWikiText"/>.</summary>
    public bool LooksLikeWikiText { get; }

    /// <summary>The files read, in order (one for a file corpus).</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Lines of text read, blank lines included.</summary>
    public int Lines { get; }

    /// <summary>Bytes that were not valid UTF-8 and were replaced by U+FFFD.</summary>
    public long InvalidBytesReplaced { get; }

    /// <summary>WikiText heading lines (<c> = Title = </c>) skipped; 0 for plain text.</summary>
    public int HeadingLinesDropped { get; }

    /// <summary>Sentences dropped because they contain <c>&lt;unk&gt;</c>.</summary>
    public int UnkSentencesDropped { get; }

    /// <summary>Sentences dropped for having fewer than <see cref="CorpusReader.MinWords"/> words.</summary>
    public int ShortSentencesDropped { get; }
}
