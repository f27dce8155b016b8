print("swarmlb")
