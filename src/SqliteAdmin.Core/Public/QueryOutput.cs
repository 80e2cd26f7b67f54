namespace SqliteAdmin;

/// <summary>What Invoke-SqliteQuery writes (-As).</summary>
public enum QueryOutput
{
    /// <summary>One PSCustomObject per row, column names as properties (default).</summary>
    Row,
    /// <summary>The first column of the first row only; the rest of the result is not read.</summary>
    Scalar,
}
