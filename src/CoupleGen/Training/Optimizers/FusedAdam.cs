using System;
using System.Collections.Concurrent;
using System.Globalization;
using static TorchSharp.torch;

namespace CoupleGen.Training.Optimizers;

/// <summary>
/// libtorch's fused Adam kernel (<c>_fused_adam_</c>: one pass over each parameter, its gradient and
/// both moments, instead of eight element-wise passes), reached through TorchScript because TorchSharp
/// binds no fused optimizer. The constants are written into the script, and the learning rate and step
/// travel as tensors, so that no number crosses into native code as a temporary Scalar (see
/// <see cref="AdamOptimizer"/>). One compiled function per (beta1, beta2, eps).
/// </summary>
internal static class FusedAdam
{
    private static readonly ConcurrentDictionary<(double, double, double), Lazy<jit.CompilationUnit?>> Functions = new();

    /// <summary>Runs one Adam step over the given lists, or returns false when this libtorch has no fused kernel for them.</summary>
    public static bool TryStep(Tensor[] parameters, Tensor[] gradients, Tensor[] firstMoments, Tensor[] secondMoments, Tensor[] steps, Tensor learningRate, double beta1, double beta2, double epsilon)
    {
        jit.CompilationUnit? function = Functions.GetOrAdd((beta1, beta2, epsilon), key => new(() => Compile(key.Item1, key.Item2, key.Item3))).Value;
        if (function is null)
        {
            return false;
        }

        function.invoke("adam", parameters, gradients, firstMoments, secondMoments, steps, learningRate);
        return true;
    }

    private static jit.CompilationUnit? Compile(double beta1, double beta2, double epsilon)
    {
        string script = string.Create(
            CultureInfo.InvariantCulture,
            $"""
            def adam(params: List[Tensor], grads: List[Tensor], exp_avgs: List[Tensor], exp_avg_sqs: List[Tensor], steps: List[Tensor], lr: Tensor):
                torch._fused_adam_(params, grads, exp_avgs, exp_avg_sqs, [], steps, lr=lr, beta1={beta1:R}, beta2={beta2:R}, weight_decay=0.0, eps={epsilon:R}, amsgrad=False, maximize=False)

            """);
        try
        {
            return jit.compile(script);
        }
        catch (Exception ex) when (ex is System.Runtime.InteropServices.ExternalException or InvalidOperationException)
        {
            return null;
        }
    }
}
