using System;
using System.Collections.Generic;
using System.IO;
using CoupleGen.Errors;
using CoupleGen.Weights;
using static TorchSharp.torch;

namespace CoupleGen.Training.Optimizers;

/// <summary>
/// What both optimizers share: reading a state stored as safetensors (every failure becomes a
/// <see cref="CheckpointException"/>, and what was read is disposed), and zeroing gradients.
/// </summary>
internal static class OptimizerState
{
    /// <summary>
    /// Clears every gradient as PyTorch 2's <c>zero_grad()</c> does (set to none): the next backward pass
    /// writes fresh gradients instead of filling zeros and adding to them, which saves two passes over
    /// the weights' size per step. The optimizers skip parameters without a gradient, as PyTorch's do.
    /// </summary>
    public static void ZeroGradients(IEnumerable<TorchSharp.Modules.Parameter> parameters)
    {
        foreach (var parameter in parameters)
        {
            parameter.grad = null;
        }
    }

    public static void Load(Stream stream, string checkpointPath, string optimizer, Action<Dictionary<string, Tensor>> apply)
    {
        Dictionary<string, Tensor> loaded;
        try
        {
            loaded = SafeTensors.Read(stream);
        }
        catch (InvalidDataException ex)
        {
            throw new CheckpointException(checkpointPath, $"the {optimizer} state is corrupt ({ex.Message}).", ex);
        }

        try
        {
            apply(loaded);
        }
        finally
        {
            foreach (var tensor in loaded.Values)
            {
                tensor.Dispose();
            }
        }
    }
}
