using System.Security.Cryptography;
using System.Text;

namespace LlamaJump.Dumps.Corpus;

/// <summary>Reads a corpus and splits it into sentences.
/// <list type="number">
/// <item>Input: a file, or a directory whose <c>*.txt</c> and <c>*.raw</c> files (not subdirectories) are read in
/// ordinal file-name order, as if concatenated with a line break between files. The whole corpus is held in
/// memory.</item>
/// <item>Bytes are decoded as UTF-8; invalid bytes become U+FFFD and are counted. CRLF, LF and CR all end a
/// line.</item>
/// <item>WikiText (<see cref="WikiTextFormat.LooksLikeWikiText"/>): every non-blank line is a paragraph; heading
/// lines are dropped; tokens are restored to normal text by <see cref="WikiTextRestorer"/>. Plain text: a
/// paragraph is a run of non-blank lines, joined with spaces (hard-wrapped text reads as one paragraph).</item>
/// <item>Whitespace runs become one space; each paragraph is split by <see cref="SentenceSplitter"/>; sentences
/// containing <c>&lt;unk&gt;</c> and then those with fewer than <see cref="MinWords"/> words are dropped and
/// counted. A word is a whitespace-separated run holding at least one letter or digit.</item>
/// </list></summary>
public static class CorpusReader
{
    public const int MinWords = 5;

    /// <summary>Reads the file or directory at <paramref name="path"/>. Throws <see cref="CorpusException"/> when it
    /// does not exist or is a directory without <c>*.txt</c>/<c>*.raw</c> files; I/O errors propagate.</summary>
    public static CorpusText Read(string path)
    {
        IReadOnlyList<string> files;
        if (Directory.Exists(path))
        {
            files = Directory.EnumerateFiles(path)
                .Where(f => f.EndsWith(".txt", StringComparison.Ordinal) || f.EndsWith(".raw", StringComparison.Ordinal))
                .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
                .ToList();
            if (files.Count == 0)
                throw new CorpusException($"{path}: the directory holds no *.txt or *.raw files");
        }
        else if (File.Exists(path))
        {
            files = [path];
        }
        else
        {
            throw new CorpusException($"{path}: no such file or directory");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var texts = new List<string>(files.Count);
        long invalidBytes = 0;
        foreach (string file in files)
        {
            byte[] bytes = File.ReadAllBytes(file);
            hash.AppendData(bytes);
            texts.Add(Utf8Decoding.Decode(bytes, out long invalid));
            invalidBytes += invalid;
        }
        return Parse(string.Join("\n", texts), Convert.ToHexStringLower(hash.GetHashAndReset()), invalidBytes, files);
    }

    /// <summary>Parses a corpus held in memory as <paramref name="bytes"/> (treated as one file named
    /// "(memory)").</summary>
    public static CorpusText FromBytes(ReadOnlySpan<byte> bytes)
    {
        string text = Utf8Decoding.Decode(bytes, out long invalid);
        return Parse(text, Convert.ToHexStringLower(SHA256.HashData(bytes)), invalid, ["(memory)"]);
    }

    private static CorpusText Parse(string text, string sha256, long invalidBytes, IReadOnlyList<string> files)
    {
        string[] lines = text.ReplaceLineEndings("\n").Split('\n');
        int lineCount = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        bool wiki = WikiTextFormat.LooksLikeWikiText(text);

        var paragraphs = new List<string>();
        int headings = 0;
        var pending = new StringBuilder();
        foreach (string line in lines)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                Flush();
                continue;
            }
            if (!wiki)
            {
                pending.Append(' ').Append(line);
                continue;
            }
            if (WikiTextFormat.IsHeading(line))
                headings++;
            else
                paragraphs.Add(WikiTextRestorer.Restore(line));
        }
        Flush();

        var sentences = new List<string>();
        int unk = 0, tooShort = 0;
        foreach (string paragraph in paragraphs)
        {
            foreach (string sentence in SentenceSplitter.Split(CollapseWhitespace(paragraph)))
            {
                if (sentence.Contains("<unk>", StringComparison.Ordinal))
                    unk++;
                else if (CountWords(sentence) < MinWords)
                    tooShort++;
                else
                    sentences.Add(sentence);
            }
        }
        return new CorpusText(sentences, sha256, wiki, files, lineCount, invalidBytes, headings, unk, tooShort);

        void Flush()
        {
            if (pending.Length > 0)
                paragraphs.Add(pending.ToString());
            pending.Clear();
        }
    }

    private static string CollapseWhitespace(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static int CountWords(string sentence) =>
        sentence.Split(' ').Count(word => word.Any(char.IsLetterOrDigit));
}
