using LlamaJump.Engine.Generation;

namespace LlamaJump.App.Chat;

/// <summary>Where a reply is: streaming, ended by the model (end of generation or the token limit), stopped by the
/// user, or failed (see <see cref="ChatTurn.Note"/>).</summary>
public enum TurnState
{
    Streaming,
    Finished,
    Stopped,
    Failed,
}

/// <summary>
/// One exchange of the conversation: what the user typed and the reply's tokens as they arrived. <see cref="Model"/>
/// and <see cref="NLayer"/> name the model that replied (colours and the inspector depend on its depth).
/// <see cref="PromptTokens"/> is exactly what the generator was given, so the inspector can replay any token's prefix.
/// Mutated only on the UI thread.
/// </summary>
public sealed class ChatTurn(string user, string model, int nLayer)
{
    private readonly List<GeneratedToken> _reply = [];

    public string User { get; } = user;
    public string Model { get; } = model;
    public int NLayer { get; } = nLayer;
    public IReadOnlyList<int> PromptTokens { get; set; } = [];
    public IReadOnlyList<GeneratedToken> Reply => _reply;
    public TurnState State { get; set; } = TurnState.Streaming;
    public string? Note { get; set; }

    /// <summary>The reply's text so far: the concatenation of every token's <see cref="GeneratedToken.Text"/>.</summary>
    public string ReplyText => string.Concat(_reply.Select(t => t.Text));

    public void Add(GeneratedToken token) => _reply.Add(token);

    /// <summary>Appends <paramref name="tokens"/> in order.</summary>
    public void Add(IEnumerable<GeneratedToken> tokens) => _reply.AddRange(tokens);
}
