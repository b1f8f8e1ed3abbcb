def folder_broker_options(folder):
    """Transport options of kombu's folder broker (the embedded default), every
    file under `folder`: kombu's defaults are folders in the working directory,
    which is the repository when `make run` starts the worker."""
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }
