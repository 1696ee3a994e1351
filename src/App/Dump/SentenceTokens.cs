using LlamaJump.Engine;
using LlamaJump.Interop;

namespace LlamaJump.App.Dump;

/// <summary>The token ids of the sampled sentences (BOS first), truncated to a maximum length, tokenized once.</summary>
public sealed class SentenceTokens
{
    private readonly Dictionary<int, int[]> _tokens = [];
    private readonly HashSet<int> _truncated = [];

    public SentenceTokens(ModelSession session, IReadOnlyList<string> sentences, IEnumerable<int> indices, int maxTokens)
    {
        foreach (int index in indices)
        {
            if (_tokens.ContainsKey(index))
            {
                continue;
            }
            int[] tokens = session.Tokenize(sentences[index]);
            if (tokens.Length > maxTokens)
            {
                tokens = tokens[..maxTokens];
                _truncated.Add(index);
            }
            _tokens[index] = tokens;
        }
    }

    public int[] Of(int sentence) => _tokens[sentence];

    public bool IsTruncated(int sentence) => _truncated.Contains(sentence);

    /// <summary>Sentences that were cut to the maximum length.</summary>
    public int TruncatedCount => _truncated.Count;

    /// <summary>Sentences too short to have a token after BOS (the dump needs at least one).</summary>
    public IEnumerable<int> TooShort => _tokens.Where(kv => kv.Value.Length < 2).Select(kv => kv.Key);
}
