using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;
using LlamaJump.Models;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.App.Chat;

/// <summary>A model loaded on the patched backend for the chat: owns the session and its generator; disposing
/// frees both (the generator first).</summary>
public sealed class LoadedModel : IChatModel
{
    private readonly ModelSession _session;
    private readonly ChatPromptBuilder _prompts;
    private readonly TokenInspector _inspector;

    public LoadedModel(ModelSession session, JumpSet? jumps, string? jumpsPath, string? jumpsProblem, GeneratorFactory generators)
    {
        _session = session;
        Jumps = jumps;
        JumpsPath = jumps is null ? null : jumpsPath;
        JumpsProblem = jumpsProblem;
        Generator = generators(session, jumps);
        Conversation = new Conversation(Generator, session.Options.ContextSize);
        _prompts = new ChatPromptBuilder(session);
        _inspector = new TokenInspector(session, jumps);
    }

    public ModelInfo Info => _session.Info;
    /// <summary>The threads llama.cpp was given for this model's context.</summary>
    public ThreadPlan Threads => _session.Threads;
    public JumpSet? Jumps { get; }
    public string? JumpsPath { get; }
    public string? JumpsProblem { get; }
    public ITokenGenerator Generator { get; }
    public Conversation Conversation { get; }

    public IReadOnlyList<int> PromptTokens(IReadOnlyList<ChatTurn> history, string user, int replyRoom) =>
        _prompts.Build(history, user, replyRoom);

    public TokenTrajectory Inspect(IReadOnlyList<int> prefix, int token) => _inspector.Inspect(prefix, token);

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        (Generator as IDisposable)?.Dispose();
        _session.Dispose();
    }
}
