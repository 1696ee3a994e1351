using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Models;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.App.Chat;

/// <summary>
/// A model the chat talks to: its description, its jumps (when a matching jump file was found and read), the token
/// generator, prompt building and the token inspector. Every member except the properties runs native code and is
/// called on the chat's worker thread only, one call at a time. Disposing frees the model's memory.
/// </summary>
public interface IChatModel : IDisposable
{
    ModelInfo Info { get; }

    /// <summary>The jump set in use, or null (then only full mode works).</summary>
    JumpSet? Jumps { get; }

    /// <summary>The jump file read, or null.</summary>
    string? JumpsPath { get; }

    /// <summary>Why there are no jumps (none found, unreadable, made for another model), for the UI; null with jumps.</summary>
    string? JumpsProblem { get; }

    ITokenGenerator Generator { get; }

    /// <summary>The conversation on <see cref="Generator"/>: each reply keeps the K/V of the prompt prefix the context
    /// already holds.</summary>
    Conversation Conversation { get; }

    /// <summary>Tokens of the next prompt: the earlier turns and <paramref name="user"/>, through the model's chat
    /// template when it has one, else as plain text; the oldest turns are dropped so that
    /// <paramref name="replyRoom"/> tokens remain in the context.</summary>
    IReadOnlyList<int> PromptTokens(IReadOnlyList<ChatTurn> history, string user, int replyRoom);

    /// <summary>The trajectory through the depth of the token generated after <paramref name="prefix"/>.</summary>
    TokenTrajectory Inspect(IReadOnlyList<int> prefix, int token);
}

/// <summary>Loads a model for the chat. Throws with a one-line message when the model cannot be used; an unreadable
/// or mismatched jump file does not fail the load (see <see cref="IChatModel.JumpsProblem"/>).</summary>
public interface IChatModelLoader
{
    IChatModel Load(string modelPath, string? jumpsPath);
}
