using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Errors;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// Copies TF.js weights into a module whose parameter names are the TF.js keys with '.' for '/',
/// converting TensorFlow's filter layouts to PyTorch's. Missing, unexpected or misshapen weights are
/// an <see cref="InvalidWeightsException"/> naming the source.
/// </summary>
internal static class TfjsModuleLoader
{
    public static void Load(nn.Module module, IReadOnlyDictionary<string, TfjsTensor> weights, string source)
    {
        using var noGrad = no_grad();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, parameter) in module.named_parameters())
        {
            string key = name.Replace('.', '/');
            expected.Add(key);
            if (!weights.TryGetValue(key, out TfjsTensor? weight))
            {
                throw new InvalidWeightsException(source, $"the weight '{key}' is missing.");
            }

            using var scope = NewDisposeScope();
            Tensor value = ToTorchLayout(key, weight);
            if (!value.shape.SequenceEqual(parameter.shape))
            {
                throw new InvalidWeightsException(source, $"'{key}' has shape [{string.Join(", ", weight.Shape)}], which does not fit [{string.Join(", ", parameter.shape)}].");
            }

            parameter.copy_(value);
        }

        string? unexpected = weights.Keys.FirstOrDefault(key => !expected.Contains(key));
        if (unexpected is not null)
        {
            throw new InvalidWeightsException(source, $"the weight '{unexpected}' belongs to no layer of {module.GetName()}; is this the right model?");
        }
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
