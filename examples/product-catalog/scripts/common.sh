# Where the application lives. On the local CodeDeploy every instance is a folder, and the agent
# says which (LOCAL_CODEDEPLOY_INSTANCE_ROOT); on a real instance it is the filesystem root.
APP_DIR="${LOCAL_CODEDEPLOY_INSTANCE_ROOT:-}/var/www/product-catalog"
PID_FILE="$APP_DIR/server.pid"
PORT_FILE="$APP_DIR/server.port"
