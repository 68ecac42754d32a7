"""Read Wavebench HDF5 result files from Python.

One file holds many runs under ``/runs/<run_id>/``; each run has a coordinate
dataset (``time`` for transient analyses, otherwise named by the run group's
``coordinate`` attribute) and one dataset per cref under
``vectors/<cref>/data``.

    >>> import wavebench
    >>> wavebench.list_runs("results.h5")
    >>> ds = wavebench.open_xarray("results.h5", "run1")
    >>> ds["top.nodes.out.v"].plot()

Only numpy, h5py and xarray are needed.  h5py is used directly (not
h5netcdf) so the reader does not depend on the file being netCDF-compatible
and the coordinate can be renamed to ``t`` whatever the analysis is.
"""

from __future__ import annotations

import datetime as _dt
import os

import h5py
import numpy as np
import xarray as xr

from . import layout as _layout

__all__ = ["open_xarray", "list_runs", "read_measurements", "job_table"]

# Attributes HDF5 dimension scales / netCDF add on their own; they hold object
# references or bookkeeping that mean nothing to a user and would not survive
# into xarray anyway.
_INTERNAL_ATTRS = frozenset(
    {"CLASS", "NAME", "DIMENSION_LIST", "REFERENCE_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates"}
)

# Attributes that are lists by contract, even when the file holds 0 or 1 entries.
_LIST_ATTRS = frozenset({_layout.ALIASES})


def _decode(value):
    """Turn an h5py attribute value into plain Python (str, int, float, list).

    The C++ writer uses variable-length strings (h5py gives ``str``), but a
    fixed-length string (``numpy.bytes_``) or a string array must decode the
    same way, so the reader does not depend on which HDF5 call wrote it.
    """
    if isinstance(value, (bytes, np.bytes_)):
        # Fixed-length strings are NUL-padded; strip the padding only.
        return bytes(value).rstrip(b"\0").decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray):
        return [_decode(v) for v in value.tolist()] if value.ndim else _decode(value[()])
    if isinstance(value, np.generic):
        return value.item()
    return value


def _decoded_attrs(obj) -> dict:
    out = {}
    for key, value in obj.attrs.items():
        if key in _INTERNAL_ATTRS:
            continue
        value = _decode(value)
        if key in _LIST_ATTRS and not isinstance(value, list):
            value = [value] if value not in (None, "") else []
        out[key] = value
    return out


def _open(path) -> h5py.File:
    """Open read-only, turning h5py's terse errors into ones that name the path."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"Wavebench result file not found: {path}")
    if not h5py.is_hdf5(path):
        raise OSError(f"{path} is not an HDF5 file (not a Wavebench result file?)")
    try:
        return h5py.File(path, "r")
    except OSError as exc:  # e.g. truncated file, or locked by a writer
        raise OSError(f"cannot open {path} as HDF5: {exc}") from exc


def _run_ids(f: h5py.File) -> list:
    runs = f.get(_layout.RUNS)
    return sorted(runs.keys()) if isinstance(runs, h5py.Group) else []


def _coordinate_name(run: h5py.Group) -> str:
    # Transient runs use "time"; other analyses name their scale vector here. An
    # operating point has none: its attribute is present but empty.
    if _layout.COORDINATE not in run.attrs:
        return "time"
    return _decode(run.attrs[_layout.COORDINATE])


def _get_run(f: h5py.File, path, run_id: str) -> h5py.Group:
    ids = _run_ids(f)
    # Check membership instead of indexing with the raw id: an id containing
    # "/" would otherwise silently address some nested object.
    if run_id not in ids:
        available = ", ".join(ids) if ids else "none"
        raise KeyError(f"run id {run_id!r} not found in {os.fspath(path)}; available run ids: {available}")
    return f[_layout.RUNS][run_id]


def open_xarray(path, run_id: str) -> xr.Dataset:
    """Load one run as an ``xarray.Dataset``.

    The coordinate is always named ``t`` (holding the run's time, or frequency /
    sweep values for other analyses; its original name is kept in the
    coordinate's ``name`` attribute).  There is one data variable per cref, with
    that vector's attributes (``unit``, ``source_vec``, ``node_kind``,
    ``aliases`` as a list of str); the dataset attributes are the run group's.

    A run in which ngspice looped over several sweeps (a ``.control`` loop, a
    ``.dc`` with two sources) has a leading ``step_index`` dimension, with the
    stepped source's values as a coordinate along it when they are known.
    Where every step has its own time axis, ``t`` is a 2-D coordinate over
    ``(step_index, point)`` and short steps are padded with NaN.

    Data is read eagerly and the file is closed before returning, so the
    writer can keep appending to other runs in the same file.

    Raises ``KeyError`` for an unknown run id, ``FileNotFoundError`` /
    ``OSError`` for a missing or non-HDF5 file, ``ValueError`` for a run whose
    layout is broken.
    """
    with _open(path) as f:
        run = _get_run(f, path, run_id)
        run_attrs = _decoded_attrs(run)
        coord_name = _coordinate_name(run)
        where = f"run {run_id!r} in {os.fspath(path)}"
        if _layout.STEPS in run.attrs:
            return _open_stepped(run, run_attrs, coord_name, where)
        if not coord_name:
            # An operating point: one scalar per cref, no coordinate.
            scalars = {}
            group = run.get(_layout.VECTORS)
            for cref in group.keys() if isinstance(group, h5py.Group) else ():
                ds = group[cref][_layout.DATA]
                scalars[cref] = ((), ds[()], _decoded_attrs(ds))
            return xr.Dataset(scalars, attrs=run_attrs)
        if not isinstance(run.get(coord_name), h5py.Dataset):
            raise ValueError(f"{where} has no coordinate dataset {coord_name!r}")
        coord_ds = run[coord_name]
        coord = coord_ds[()]
        coord_attrs = _decoded_attrs(coord_ds)
        coord_attrs["name"] = coord_name

        vectors = {}
        group = run.get(_layout.VECTORS)
        for cref in group.keys() if isinstance(group, h5py.Group) else ():
            ds = group[cref].get(_layout.DATA)
            if not isinstance(ds, h5py.Dataset):
                raise ValueError(f"{where}: vectors/{cref} has no 'data' dataset")
            vectors[cref] = (ds[()], _decoded_attrs(ds))

    # The writer extends the coordinate and the vectors one after another, so a
    # run that is still being written (or was interrupted) can have a few
    # points more in some of them; cut to the common length.  A finished run
    # must be consistent, so there a mismatch is an error, not something to hide.
    n = min([len(coord)] + [len(data) for data, _ in vectors.values()])
    if run_attrs.get(_layout.STATUS) == "ok":
        bad = [c for c, (data, _) in vectors.items() if len(data) != len(coord)]
        if bad:
            raise ValueError(
                f"{where} has status ok but {len(bad)} vector(s) differ in length "
                f"from {coord_name!r} ({len(coord)} points), e.g. {bad[0]!r}"
            )
    if "t" in vectors:
        raise ValueError(f"{where} has a vector named 't', which clashes with the coordinate")

    data_vars = {cref: ("t", data[:n], attrs) for cref, (data, attrs) in vectors.items()}
    return xr.Dataset(data_vars, coords={"t": ("t", coord[:n], coord_attrs)}, attrs=run_attrs)


def _open_stepped(run: h5py.Group, run_attrs: dict, coord_name: str, where: str) -> xr.Dataset:
    # A run in which ngspice looped over several sweeps (a .control loop, a .dc with two
    # sources): every variable has a leading step_index dimension. When the steps share
    # their sweep (.dc) it is the dimension "t"; when each step has its own time axis,
    # "t" is a 2-D coordinate over (step_index, point), NaN past the end of a short step.
    if not isinstance(run.get(_layout.STEP_INDEX), h5py.Dataset):
        raise ValueError(f"{where} has steps but no step_index dataset")
    steps = run[_layout.STEP_INDEX][()]
    coords = {"step_index": ("step_index", steps)}
    source = _decode(run.attrs[_layout.STEP_SOURCE]) if _layout.STEP_SOURCE in run.attrs else ""
    if source and isinstance(run.get(source), h5py.Dataset):
        values = run[source][()]
        coords[source] = ("step_index", values[: len(steps)], _decoded_attrs(run[source]))
    inner = None
    if coord_name:
        if not isinstance(run.get(coord_name), h5py.Dataset):
            raise ValueError(f"{where} has no coordinate dataset {coord_name!r}")
        coord_ds = run[coord_name]
        coord_attrs = _decoded_attrs(coord_ds)
        coord_attrs["name"] = coord_name
        if coord_ds.ndim == 1:
            inner = "t"
            coords["t"] = ("t", coord_ds[()], coord_attrs)
        else:
            inner = "point"
            coords["point"] = ("point", np.arange(coord_ds.shape[1]))
            coords["t"] = (("step_index", "point"), coord_ds[()], coord_attrs)
    data_vars = {}
    group = run.get(_layout.VECTORS)
    for cref in group.keys() if isinstance(group, h5py.Group) else ():
        ds = group[cref].get(_layout.DATA)
        if not isinstance(ds, h5py.Dataset):
            raise ValueError(f"{where}: vectors/{cref} has no 'data' dataset")
        attrs = _decoded_attrs(ds)
        attrs.pop("coordinates", None)  # xarray's own encoding, not metadata
        data = ds[()]
        if inner is None:
            data_vars[cref] = ("step_index", data[: len(steps)], attrs)
        else:
            width = coords["t"][1].shape[-1]
            data_vars[cref] = (("step_index", inner), data[: len(steps), :width], attrs)
    return xr.Dataset(data_vars, coords=coords, attrs=run_attrs)


def _started_key(started: str):
    # ISO 8601 strings with different offsets (or "Z") do not sort as text, so
    # compare as instants; unparsable or missing values sort last.
    try:
        stamp = _dt.datetime.fromisoformat(started.replace("Z", "+00:00"))
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=_dt.timezone.utc)
        return (0, stamp.timestamp(), started)
    except (AttributeError, TypeError, ValueError):
        return (1, 0.0, started or "")


def list_runs(path) -> list:
    """Summarise the runs in a file, oldest first.

    Returns dicts with keys ``run_id``, ``status``, ``analysis``, ``started``
    and ``points`` (current length of the coordinate dataset, 0 if absent).
    """
    runs = []
    with _open(path) as f:
        for run_id in _run_ids(f):
            run = f[_layout.RUNS][run_id]
            attrs = _decoded_attrs(run)
            name = _coordinate_name(run)
            coord = run.get(name) if name else None
            runs.append(
                {
                    "run_id": run_id,
                    "status": attrs.get(_layout.STATUS, ""),
                    "analysis": attrs.get(_layout.ANALYSIS, ""),
                    "started": attrs.get(_layout.STARTED, ""),
                    "points": int(coord.shape[0]) if isinstance(coord, h5py.Dataset) and coord.ndim == 1 else 0,
                }
            )
    runs.sort(key=lambda r: (_started_key(r["started"]), r["run_id"]))
    return runs


def read_measurements(path, run_id: str) -> dict:
    """The ``.measure`` results of one run: name -> float (NaN where the measure failed)."""
    with _open(path) as f:
        run = _get_run(f, path, run_id)
        group = run.get(_layout.MEASUREMENTS)
        if not isinstance(group, h5py.Group):
            return {}
        return {name: float(group[name][()]) for name in group.keys()}


def job_table(path, job: str):
    """One row per run of a job: run id, status, corner, seed, sweep values and every
    measurement, as a ``pandas.DataFrame`` in sweep order."""
    import json

    import pandas as pd

    rows = []
    with _open(path) as f:
        for run_id in _run_ids(f):
            run = f[_layout.RUNS][run_id]
            attrs = _decoded_attrs(run)
            if attrs.get(_layout.JOB) != job:
                continue
            row = {
                "run_id": run_id,
                "status": attrs.get(_layout.STATUS, ""),
                "corner": attrs.get(_layout.CORNER, ""),
                "seed": int(attrs.get(_layout.SEED, -1)),
                "sweep_index": int(attrs.get(_layout.SWEEP_INDEX, -1)),
            }
            sweep = attrs.get(_layout.SWEEP) or "{}"
            row.update(json.loads(sweep) if isinstance(sweep, str) else {})
            group = run.get(_layout.MEASUREMENTS)
            if isinstance(group, h5py.Group):
                row.update({name: float(group[name][()]) for name in group.keys()})
            rows.append(row)
    if not rows:
        raise KeyError(f"no runs of job {job!r} in {os.fspath(path)}")
    return pd.DataFrame(rows).sort_values(["corner", "sweep_index", "seed"]).reset_index(drop=True)
