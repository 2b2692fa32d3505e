// intentionally empty until the first support helper lands
