using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Errors;
using CoupleGen.Weights;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// Copies TF.js weights into a module whose parameter names are the TF.js keys with '.' for '/',
/// converting TensorFlow's filter layouts to PyTorch's, then checking and copying them like every other
/// weight file (<see cref="ModuleWeights"/>): missing, unexpected, misshapen or non-finite weights are an
/// <see cref="InvalidWeightsException"/> naming the source.
/// </summary>
internal static class TfjsModuleLoader
{
    public static void Load(nn.Module module, IReadOnlyDictionary<string, TfjsTensor> weights, string source)
    {
        using var scope = NewDisposeScope();
        var converted = weights.ToDictionary(w => w.Key.Replace('/', '.'), w => ToTorchLayout(w.Key, w.Value), StringComparer.Ordinal);
        ModuleWeights.LoadCore(module, converted, source);
    }

    private static Tensor ToTorchLayout(string key, TfjsTensor weight)
    {
        Tensor value = tensor(weight.Values, weight.Shape.ToArray());
        if (weight.Shape.Count != 4)
        {
            return value;
        }

        // TensorFlow: [kh, kw, in, out] (depthwise: [kh, kw, in, multiplier]); PyTorch: [out, in, kh, kw] (depthwise: [in, multiplier, kh, kw]).
        return key.EndsWith("depthwise_filter", StringComparison.Ordinal)
            ? value.permute(2, 3, 0, 1).contiguous()
            : value.permute(3, 2, 0, 1).contiguous();
    }
}
