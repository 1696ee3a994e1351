using LlamaJump.Engine.Generation;

namespace LlamaJump.App.Chat;

/// <summary>What <c>llamajump chat</c> starts with: the model (path or name), an explicit jump file (else the one
/// found for the model, if any), the generation mode and λ, the longest reply in tokens, the context every model is
/// loaded with, and the CPU threads llama.cpp gets (null: the session's default).</summary>
public sealed record ChatOptions(string Model, string? Jumps, GenerationMode Mode, float Lambda, int MaxReplyTokens = 256, int ContextTokens = 1024,
    int? Threads = null)
{
    /// <summary>λ moves in these steps (F2/F3) and stays within [<see cref="LambdaMin"/>, <see cref="LambdaMax"/>];
    /// λ above 1 means "never exit".</summary>
    public const float LambdaStep = 0.05f;
    public const float LambdaMin = 0.05f;
    public const float LambdaMax = 1.05f;
}
