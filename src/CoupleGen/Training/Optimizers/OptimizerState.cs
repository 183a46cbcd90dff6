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
    /// <summary>Zeroes every gradient, inside a dispose scope: TorchSharp returns a new wrapper for every read of <c>.grad</c>.</summary>
    public static void ZeroGradients(IEnumerable<TorchSharp.Modules.Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        foreach (var parameter in parameters)
        {
            parameter.grad?.zero_();
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
