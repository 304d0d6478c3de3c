import { Module } from '@nestjs/common';
import { ApplicationsController } from './applications.controller.js';
import { ApplicationHandler } from './applications.handler.js';

@Module({ controllers: [ApplicationsController], providers: [ApplicationHandler] })
export class ApplicationsModule {}
