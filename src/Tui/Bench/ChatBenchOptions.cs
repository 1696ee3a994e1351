using LlamaJump.App.Chat;
using LlamaJump.Engine.Generation;
using LlamaJump.Tui.Chat;

namespace LlamaJump.Tui.Bench;

/// <summary>The options of <c>llamajump bench chat</c>, range-checked by <c>BenchChatCommand</c>: the model
/// (path or name) and its jump file (null: the one the chat finds), the prompt, the tokens of every reply, how many
/// alternating repeats each side runs, CPU threads (null: the session's default), the mode and λ.</summary>
public sealed record ChatBenchOptions(string Model, string? Jumps, string Prompt, int Tokens, int Repeats, int? Threads, GenerationMode Mode, float Lambda)
{
    public const string DefaultPrompt = "Once upon a time";

    /// <summary>The context both sides are loaded with: the chat's default, or more for a long reply.</summary>
    public int ContextTokens => Math.Max(1024, Tokens + 256);
}
