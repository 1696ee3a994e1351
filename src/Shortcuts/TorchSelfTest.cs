using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace LlamaJump.Shortcuts;

/// <summary>A tiny real TorchSharp computation for <c>llamajump doctor</c>: least squares for y = 3x − 2 with Adam.</summary>
public static class TorchSelfTest
{
    /// <returns>"w=3.000 b=-2.000 after 300 Adam steps" — the learned slope and intercept</returns>
    public static string FitLine(int steps = 300, long seed = 7)
    {
        TorchRuntime.EnsureLoadable();
        using var scope = NewDisposeScope();
        manual_seed(seed);
        var x = linspace(-1, 1, 64).unsqueeze(1);
        var y = 3 * x - 2;
        using var model = nn.Linear(1, 1);
        using var optimizer = optim.Adam(model.parameters(), lr: 0.1);
        for (int step = 0; step < steps; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.forward(x), y);
            loss.backward();
            optimizer.step();
        }
        float w = model.weight!.item<float>();
        float b = model.bias!.item<float>();
        return string.Create(CultureInfo.InvariantCulture, $"w={w:0.000} b={b:0.000} after {steps} Adam steps");
    }
}
