namespace CoupleGen.Web;

/// <summary>Where the served model came from: configured, or the demo model trained because none was.</summary>
public sealed class ModelSource
{
    /// <summary>Gets or sets a value indicating whether the served model is the demo model.</summary>
    public bool IsDemo { get; set; }
}
