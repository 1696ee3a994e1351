using LlamaJump.Engine.Generation;

namespace LlamaJump.Engine;

/// <summary>The conversation does not fit the context: the message says how many tokens it holds and what to do.</summary>
public sealed class ContextFullException(string message) : Exception(message);

/// <summary>
/// A conversation on one generator's session: the tokens of every turn so far, whose K/V stay in the context, so the
/// next turn decodes only its new tokens (<see cref="ITokenGenerator.Continue"/>). Two ways in:
/// <list type="bullet">
/// <item><see cref="Reply"/> appends the user's tokens to the conversation and generates; when the conversation and
/// the reply would not fit the context it says so (<see cref="ContextFullException"/>) instead of shifting: a shifted
/// cache (llama.cpp's context shift, LLamaSharp's executors) is no longer what a fresh decode of the kept text gives.</item>
/// <item><see cref="Continue"/> takes the whole conversation as its caller renders it (the chat: its template, the
/// oldest turns dropped to fit) and keeps the K/V of the longest prefix the context already holds.</item>
/// </list>
/// Either way the reply's tokens join <see cref="Tokens"/> as they are generated. One call at a time; the session's
/// other users (a token inspector, a capture) may decode in between — the session then forgets its cache and the
/// next turn decodes everything again.
/// </summary>
public sealed class Conversation(ITokenGenerator generator, int contextSize)
{
    private readonly List<int> _tokens = [];
    private bool _fresh;

    /// <summary>Every token of the conversation so far: the prompts and the replies, in order.</summary>
    public IReadOnlyList<int> Tokens => _tokens;

    /// <summary>The generator's counters for the reply in progress or the last one.</summary>
    public GenerationStats Stats => generator.Stats;

    /// <summary>Appends <paramref name="userTokens"/> to the conversation and generates up to
    /// <paramref name="maxTokens"/> tokens of reply.</summary>
    /// <exception cref="ContextFullException">the conversation, the new tokens and the reply exceed the context</exception>
    public IEnumerable<GeneratedToken> Reply(IReadOnlyList<int> userTokens, int maxTokens, GenerationControl control, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(userTokens);
        int needed = _tokens.Count + userTokens.Count + maxTokens + 1;
        if (needed > contextSize)
        {
            throw new ContextFullException($"the conversation holds {_tokens.Count} tokens; with {userTokens.Count} new ones and a reply of {maxTokens} it needs {needed} of the context's {contextSize}: start a new conversation or load the model with a larger context");
        }
        return Continue([.. _tokens, .. userTokens], maxTokens, control, cancel);
    }

    /// <summary>Makes <paramref name="conversationTokens"/> the conversation and generates up to
    /// <paramref name="maxTokens"/> tokens of reply after them.</summary>
    public IEnumerable<GeneratedToken> Continue(IReadOnlyList<int> conversationTokens, int maxTokens, GenerationControl control, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(conversationTokens);
        var tokens = conversationTokens.ToList();
        var reply = _fresh ? generator.Generate(tokens, maxTokens, control, cancel) : generator.Continue(tokens, maxTokens, control, cancel);
        _fresh = false;
        _tokens.Clear();
        _tokens.AddRange(tokens);
        return Append(reply);
    }

    /// <summary>Forgets the conversation: the next turn starts on an empty cache.</summary>
    public void Clear()
    {
        _tokens.Clear();
        _fresh = true;
    }

    private IEnumerable<GeneratedToken> Append(IEnumerable<GeneratedToken> reply)
    {
        foreach (var token in reply)
        {
            _tokens.Add(token.Id);
            yield return token;
        }
    }
}
